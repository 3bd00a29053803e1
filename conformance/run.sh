#!/usr/bin/env bash
# Run the official MCP conformance suite against the everything server: the 10 tasks scenarios one by one, then the
# core 2026-07-28 requirements suite checked against the baseline in expected-failures.yml; then the 2025-11-25
# tasks checks (conformance/legacy-check.mts, official SDK v1 client) against the same server instance.
#   bash conformance/run.sh                       # memory engine
#   TASKMCP_TASKS_URL=redis://127.0.0.1:6379 bash conformance/run.sh
# Needs `npm ci` in conformance/ (the suite requires Node 22, which that folder pins from the npm registry).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
node22="$here/node_modules/.bin/node"
suite="$here/node_modules/@modelcontextprotocol/conformance/dist/index.js"
[ -x "$node22" ] && [ -f "$suite" ] || (cd "$here" && npm ci --no-audit --no-fund)
port=${CONFORMANCE_PORT:-3999}
url="http://127.0.0.1:$port/mcp"
log=$(mktemp)

PORT=$port "$root/node_modules/.bin/tsx" "$root/examples/everything-server.ts" >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q 'serving MCP' "$log" && break
  kill -0 $server 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.1
done

scenarios="tasks-lifecycle tasks-capability-negotiation tasks-wire-fields tasks-request-state-removal tasks-mrtr-input
  tasks-request-headers tasks-dispatch-and-envelope tasks-status-notifications tasks-required-task-error tasks-mrtr-composition"
failed=0
for scenario in $scenarios; do
  if out=$("$node22" "$suite" server --url "$url" --scenario "$scenario" 2>&1); then status=ok; else status=FAILED; failed=1; fi
  summary=$(printf '%s\n' "$out" | grep -E '^(Passed|Skipped|Test Results)|SKIPPED' | tr '\n' ' ')
  printf 'conformance %-32s %s %s\n' "$scenario" "$status" "$summary"
  [ "$status" = ok ] || printf '%s\n' "$out" | sed -n '/=== Failed Checks ===/,/^$/p'
done

if out=$("$node22" "$suite" server --url "$url" --requirements 2026-07-28 --expected-failures "$here/expected-failures.yml" 2>&1); then
  status=ok
else
  status=FAILED; failed=1
fi
printf 'conformance %-32s %s %s\n' "requirements 2026-07-28" "$status" "$(printf '%s\n' "$out" | grep -E '^Total:' | tr '\n' ' ')"
[ "$status" = ok ] || printf '%s\n' "$out" | grep -E '^(✗|  [✗~✓] )'

# The 2025-11-25 era on the same server instance (the suite has no scenario for its experimental tasks).
if out=$("$root/node_modules/.bin/tsx" "$here/legacy-check.mts" "$url" 2>&1); then status=ok; else status=FAILED; failed=1; fi
printf 'conformance %-32s %s %s\n' "legacy 2025-11-25 (SDK v1)" "$status" "$(printf '%s\n' "$out" | grep -E '^Test Results' | tr '\n' ' ')"
[ "$status" = ok ] || printf '%s\n' "$out"
exit $failed
