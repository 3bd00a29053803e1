/**
 * The chaos runner: `npm run chaos` (full, under 15 minutes) or `npm run chaos -- --quick` (bounded for CI,
 * a few minutes). `--only=worker-kill,sigterm-drain` runs a subset; `--keep` keeps the private Redis's temp dir.
 *
 * It starts a private redis-server, runs each scenario against real front end and worker processes, kills
 * whatever a scenario left running, and prints a report; figures also go to chaos/results/latest.json and every
 * child's output to chaos/results/logs/. It measures the engine, it does not judge the harness by it: the exit
 * code is 1 when any task was lost, any result was wrong or any expectation failed, 2 when the run could not
 * start. Every wait is bounded, a watchdog ends a run that overstays, and all children die with the runner
 * (also on SIGINT, SIGTERM or a crash).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { patientRedis } from './lib/journal.js';
import { killAllChildren, reapAllChildren, setLogDir } from './lib/processes.js';
import { PrivateRedis, redisServerVersion } from './lib/redis-server.js';
import {
  type RunReport,
  renderScenario,
  renderSummary,
  renderTable,
  scenarioPassed,
  writeJson,
} from './lib/report.js';
import { type Scenario, type ScenarioContext, type ScenarioResult, uniqueName } from './lib/scenario.js';
import { withTimeout } from './lib/wait.js';
import { frontEndKill } from './scenarios/front-end-kill.js';
import { redisRestart } from './scenarios/redis-restart.js';
import { sigtermDrain } from './scenarios/sigterm-drain.js';
import { stalledLimit } from './scenarios/stalled-limit.js';
import { workerKill } from './scenarios/worker-kill.js';

const SCENARIOS: Scenario[] = [workerKill, stalledLimit, frontEndKill, redisRestart, sigtermDrain];
const results = fileURLToPath(new URL('results/', import.meta.url));

const quick = process.argv.includes('--quick');
const keep = process.argv.includes('--keep');
const only = process.argv
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const unknown = only?.filter((id) => !SCENARIOS.some((scenario) => scenario.id === id)) ?? [];
if (unknown.length) {
  console.error(
    `Unknown scenario(s): ${unknown.join(', ')}. Known: ${SCENARIOS.map((s) => s.id).join(', ')}.`,
  );
  process.exit(2);
}
const selected = SCENARIOS.filter((scenario) => !only || only.includes(scenario.id));

let redisVersion: string;
try {
  redisVersion = redisServerVersion();
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

// Cleanup, whatever ends the run: children first (they hold Redis connections), then Redis, then its temp dir.
const dir = mkdtempSync(join(tmpdir(), 'taskmcp-chaos-'));
let redis: PrivateRedis | undefined;
process.on('exit', () => {
  killAllChildren();
  redis?.kill();
  if (!keep) rmSync(dir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping every child process and the private Redis.`);
    process.exit(130);
  });
}
process.on('uncaughtException', (error) => {
  console.error('The chaos harness crashed:', error);
  process.exit(2);
});
process.on('unhandledRejection', (error) => {
  console.error('The chaos harness crashed (unhandled rejection):', error);
  process.exit(2);
});
const budgetMs = selected.reduce((total, scenario) => total + scenario.budgetMs(quick), 30_000);
const watchdog = setTimeout(() => {
  console.error(`\nThe chaos run exceeded its ${Math.round(budgetMs / 1000)} s budget; stopping everything.`);
  process.exit(2);
}, budgetMs);

const logs = join(results, 'logs');
rmSync(logs, { recursive: true, force: true });
setLogDir(logs);

const started = Date.now();
const log = (message: string) =>
  console.log(`  [${((Date.now() - started) / 1000).toFixed(0)} s] ${message}`);
redis = await PrivateRedis.start(dir);
const db: Redis = patientRedis(redis.url);
console.log(
  `taskmcp chaos (${quick ? 'quick' : 'full'}): ${selected.length} scenarios; private redis-server ${redisVersion} ` +
    `on ${redis.url} (AOF, appendfsync always) in ${dir}; Node ${process.version}, ${availableParallelism()} cores, ` +
    `load ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' / ')}`,
);

const context: Omit<ScenarioContext, 'signal'> = {
  quick,
  redis,
  db,
  log,
  deployment: (label, settings) => ({ redisUrl: redis!.url, name: uniqueName(label), ...settings }),
};

const outcomes: ScenarioResult[] = [];
for (const scenario of selected) {
  const begun = Date.now();
  console.log(`\n${scenario.title}`);
  let result: ScenarioResult;
  const overran = new AbortController();
  try {
    const measured = await withTimeout(
      scenario.run({ ...context, signal: overran.signal }),
      scenario.budgetMs(quick),
      scenario.title,
    ).finally(() => overran.abort());
    result = { id: scenario.id, title: scenario.title, durationMs: Date.now() - begun, ...measured };
  } catch (error) {
    result = {
      id: scenario.id,
      title: scenario.title,
      durationMs: Date.now() - begun,
      figures: { tasks: 0, lost: 0, wrongResult: 0, executedTwice: 0, rerunAfterReturn: 0 },
      expectations: [],
      details: {},
      error: (error as Error).message,
    };
  }
  // Nothing a scenario started survives it, and the next one gets a running Redis.
  await reapAllChildren();
  if (!redis.running) await redis.start();
  outcomes.push(result);
  console.log(renderScenario(result));
}

const report: RunReport = {
  mode: quick ? 'quick' : 'full',
  startedAt: new Date(started).toISOString(),
  durationMs: Date.now() - started,
  environment: {
    node: process.version,
    redis: redisVersion,
    cores: availableParallelism(),
    loadAverageAtEnd: loadavg()[0]!.toFixed(2),
    commit: gitCommit(),
    scenarios: selected.map((scenario) => scenario.id).join(','),
  },
  scenarios: outcomes,
};
const file = join(results, only ? 'partial.json' : 'latest.json');
writeJson(report, file);
console.log(`\n${renderTable(outcomes)}\n\n${renderSummary(outcomes)}`);
console.log(`Done in ${Math.round(report.durationMs / 1000)} s; figures in ${file}, process logs in ${logs}`);

clearTimeout(watchdog);
db.disconnect();
await redis.stop();
process.exit(outcomes.every(scenarioPassed) ? 0 : 1);

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}
