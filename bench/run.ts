/**
 * The benchmark runner: `npm run bench` (full) or `npm run bench -- --quick` (small counts, a few minutes).
 * Options: `--only=engine-drain,foreground` runs a subset; `--reps=N` (>= 3); `--profile` writes a `--cpu-prof`
 * profile of every server and worker process to bench/profiles/ (see bench/hot-paths.ts).
 * Results go to bench/results/ (latest.json, results.md, one SVG per scenario) and bench/README-snippet.md;
 * runs with `--only` write to bench/results/partial/ instead, so they never replace a complete set.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeMachine, finishMachine } from './lib/machine.js';
import { writeReport } from './lib/report.js';
import type { ScenarioResult } from './lib/results.js';
import type { Scenario } from './lib/scenario.js';
import { engineDrain } from './scenarios/engine-drain.js';
import { footprint } from './scenarios/footprint.js';
import { foreground } from './scenarios/foreground.js';
import { pollCost } from './scenarios/poll-cost.js';
import { recovery } from './scenarios/recovery.js';
import { roundTrip } from './scenarios/round-trip.js';
import { scaleOut } from './scenarios/scale-out.js';

const SCENARIOS: Scenario[] = [engineDrain, pollCost, foreground, roundTrip, footprint, scaleOut, recovery];

function option(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

const quick = process.argv.includes('--quick');
const reps = Math.max(3, Number(option('reps') ?? 3));
const only = option('only')?.split(',');
const unknown = only?.filter((id) => !SCENARIOS.some((s) => s.id === id)) ?? [];
if (unknown.length) {
  console.error(
    `Unknown scenario(s): ${unknown.join(', ')}. Known: ${SCENARIOS.map((s) => s.id).join(', ')}.`,
  );
  process.exit(2);
}
if (process.argv.includes('--profile')) {
  const dir = fileURLToPath(new URL('profiles/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  process.env.BENCH_PROFILE_DIR = dir;
}

const machine = await describeMachine();
console.log(
  `taskmcp bench (${quick ? 'quick' : 'full'}, ${reps} repetitions) on ${machine.cpuModel}, ${machine.cores} cores, ` +
    `Node ${machine.node}, Redis ${machine.redis}; load average ${machine.loadAverageAtStart.join(' / ')}`,
);
const scenarios: ScenarioResult[] = [];
const started = Date.now();
for (const scenario of SCENARIOS.filter((s) => !only || only.includes(s.id))) {
  const begun = Date.now();
  console.log(`\n${scenario.title}`);
  scenarios.push(await scenario.run({ quick, reps }));
  console.log(`  (${((Date.now() - begun) / 1000).toFixed(1)} s)`);
}
finishMachine(machine);
// A subset (--only) must not replace the committed full results: it goes to results/partial/ (git-ignored).
const results = fileURLToPath(new URL(only ? 'results/partial/' : 'results/', import.meta.url));
writeReport(
  { mode: quick ? 'quick' : 'full', reps, machine, scenarios },
  results,
  only ? `${results}README-snippet.md` : fileURLToPath(new URL('README-snippet.md', import.meta.url)),
);
console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(0)} s; results in ${results}`);
// Keep-alive sockets and Redis connections of the load generator must not hold the process open.
process.exit(0);
