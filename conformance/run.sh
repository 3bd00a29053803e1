#!/usr/bin/env bash
# Run the official MCP conformance suite against the everything server: the 10 tasks scenarios one by one; the core
# 2026-07-28 requirements; every scenario of the suite (`--suite all`, both protocol eras); the two suite runs are
# checked against the baseline in expected-failures.yml (known failures with their reasons; a stale entry fails
# too). Then the 2025-11-25 tasks checks (conformance/legacy-check.mts, official SDK v1 client) against the same
# deployment. The everything server serves the 2025-11-25 era with sessions, which the scenarios that elicit or
# sample in a plain tools/call need.
#   bash conformance/run.sh            # memory engine, tasks run in the server process
#   bash conformance/run.sh --redis    # Redis engine: a front end without a worker plus a `taskmcp worker` process
# --redis uses TASKMCP_CONFORMANCE_REDIS_URL (default redis://127.0.0.1:6379/9) with a key prefix unique to the
# run, removed afterwards. CONFORMANCE_PORT picks the port (default: a free one, so runs side by side never collide).
# Needs `npm ci` in conformance/ (the suite requires Node 22, which that folder pins from the npm registry).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
node22="$here/node_modules/.bin/node"
suite="$here/node_modules/@modelcontextprotocol/conformance/dist/index.js"
[ -x "$node22" ] && [ -f "$suite" ] || (cd "$here" && npm ci --no-audit --no-fund)
mode=memory
[ "${1:-}" = "--redis" ] && mode=redis
port=${CONFORMANCE_PORT:-$(node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });")}
url="http://127.0.0.1:$port/mcp"
# The CLI from its sources: the same `taskmcp run` / `taskmcp worker` users run, with no build step.
taskmcp=(node --import tsx "$root/src/cli/index.ts")
server="$root/examples/everything-server.ts"
logs=$(mktemp -d)
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$mode" = redis ]; then
    (cd "$root" && node -e '
      const { Redis } = await import("ioredis");
      const redis = new Redis(process.argv[1]);
      const keys = await redis.keys(process.argv[2] + ":*");
      if (keys.length > 0) await redis.unlink(...keys);
      redis.disconnect();' --input-type=module "$TASKMCP_TASKS_URL" "$TASKMCP_TASKS_PREFIX") || true
  fi
  rm -rf "$logs"
}
trap cleanup EXIT

# start <log> <ready pattern> <command…>: run a process in the background and wait until it logs the pattern.
start() {
  local log=$1 ready=$2
  shift 2
  # Create the log before the process starts: the redirection below happens in the forked child, so the first
  # grep could otherwise run before the file exists ("grep: …/front: No such file or directory").
  : >"$log"
  (cd "$root" && exec "$@") >"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 150); do
    grep -q "$ready" "$log" && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || { cat "$log"; exit 1; }
    sleep 0.1
  done
  cat "$log"
  echo "timed out waiting for: $ready" >&2
  exit 1
}

if [ "$mode" = redis ]; then
  export TASKMCP_TASKS_URL=${TASKMCP_CONFORMANCE_REDIS_URL:-redis://127.0.0.1:6379/9}
  export TASKMCP_TASKS_PREFIX="taskmcp-conformance-$$-$RANDOM"
  start "$logs/front" 'serving MCP' "${taskmcp[@]}" run "$server" --no-worker --port "$port" --drain 0
  start "$logs/worker" 'worker ready' "${taskmcp[@]}" worker "$server" --drain 0
else
  export TASKMCP_TASKS_URL=memory://
  start "$logs/front" 'serving MCP' "${taskmcp[@]}" run "$server" --port "$port" --drain 0
fi

scenarios="tasks-lifecycle tasks-capability-negotiation tasks-wire-fields tasks-request-state-removal tasks-mrtr-input
  tasks-request-headers tasks-dispatch-and-envelope tasks-status-notifications tasks-required-task-error tasks-mrtr-composition"
failed=0
for scenario in $scenarios; do
  if out=$("$node22" "$suite" server --url "$url" --scenario "$scenario" 2>&1); then status=ok; else status=FAILED; failed=1; fi
  summary=$(printf '%s\n' "$out" | grep -E '^(Passed|Skipped|Test Results)|SKIPPED' | tr '\n' ' ')
  printf 'conformance (%s) %-32s %s %s\n' "$mode" "$scenario" "$status" "$summary"
  [ "$status" = ok ] || printf '%s\n' "$out" | sed -n '/=== Failed Checks ===/,/^$/p'
done

# suite_run <label> <suite arguments…>: one run of the suite checked against the baseline.
suite_run() {
  local label=$1 out status
  shift
  if out=$("$node22" "$suite" server --url "$url" "$@" --expected-failures "$here/expected-failures.yml" 2>&1); then
    status=ok
  else
    status=FAILED; failed=1
  fi
  printf 'conformance (%s) %-32s %s %s(%s in the baseline)\n' "$mode" "$label" "$status" \
    "$(printf '%s\n' "$out" | grep -E '^Total:' | tr '\n' ' ')" "$(printf '%s\n' "$out" | grep -c '^  ~ ' || true)"
  [ "$status" = ok ] || printf '%s\n' "$out" | grep -E '^(✗|  [✗~✓] )'
}
suite_run "requirements 2026-07-28" --requirements 2026-07-28
suite_run "suite all" --suite all

# The 2025-11-25 era on the same server instance (the suite has no scenario for its experimental tasks).
if out=$("$root/node_modules/.bin/tsx" "$here/legacy-check.mts" "$url" 2>&1); then status=ok; else status=FAILED; failed=1; fi
printf 'conformance (%s) %-32s %s %s\n' "$mode" "legacy 2025-11-25 (SDK v1)" "$status" "$(printf '%s\n' "$out" | grep -E '^Test Results' | tr '\n' ' ')"
[ "$status" = ok ] || printf '%s\n' "$out"
exit $failed
