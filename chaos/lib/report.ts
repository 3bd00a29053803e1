/**
 * The run's report: a block per scenario (figures, details, each expectation with PASS or FAIL), one table
 * comparing the scenarios, a one-line summary, and the same figures as JSON in chaos/results/latest.json for
 * anything that wants to track them over time. Verdicts are decided here too, in one place: a run fails on any
 * lost task, any wrong result, any failed expectation or any scenario the harness could not finish.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Figures, ScenarioResult, Timing } from './scenario.js';

export interface RunReport {
  mode: 'quick' | 'full';
  startedAt: string;
  durationMs: number;
  environment: Record<string, string | number>;
  scenarios: ScenarioResult[];
}

export function scenarioPassed(result: ScenarioResult): boolean {
  return (
    !result.error &&
    result.figures.lost === 0 &&
    result.figures.wrongResult === 0 &&
    result.expectations.every((expectation) => expectation.ok)
  );
}

const seconds = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : '-');
const timingText = (value?: Timing) =>
  value && value.samples > 0 ? `p50 ${seconds(value.p50)}, max ${seconds(value.max)}` : '-';

function figureRows(figures: Figures): Array<[string, string]> {
  const recover = figures.recoverMs;
  return [
    ['tasks', String(figures.tasks)],
    ['lost', String(figures.lost)],
    ['wrong-result', String(figures.wrongResult)],
    ['executed-twice', String(figures.executedTwice)],
    ['rerun-after-return', String(figures.rerunAfterReturn)],
    ['orphans', figures.orphans === undefined ? '-' : String(figures.orphans)],
    [
      'time-to-recover',
      recover
        ? `${timingText(recover)} (${recover.samples} recovered, ${recover.unrecovered} not recovered)`
        : '-',
    ],
    [
      'shutdown time',
      figures.shutdownMs ? `${timingText(figures.shutdownMs)} (${figures.shutdownMs.samples})` : '-',
    ],
  ];
}

export function renderScenario(result: ScenarioResult): string {
  const rows: Array<[string, string]> = [
    ...figureRows(result.figures),
    ...Object.entries(result.details).map(([key, value]): [string, string] => [key, String(value)]),
  ];
  const width = Math.max(...rows.map(([key]) => key.length));
  const lines = [
    `\n== ${result.title} (${seconds(result.durationMs)}): ${scenarioPassed(result) ? 'PASS' : 'FAIL'} ==`,
    ...rows.map(([key, value]) => `  ${key.padEnd(width)}  ${value}`),
  ];
  if (result.error) lines.push(`  [ERROR] the harness could not finish this scenario: ${result.error}`);
  for (const expectation of result.expectations) {
    const detail = expectation.detail ? `: ${expectation.detail}` : '';
    lines.push(`  [${expectation.ok ? 'PASS' : 'FAIL'}] ${expectation.text}${expectation.ok ? '' : detail}`);
  }
  return lines.join('\n');
}

/** One row per scenario, one column per figure. */
export function renderTable(results: readonly ScenarioResult[]): string {
  const header = [
    'scenario',
    'tasks',
    'lost',
    'wrong',
    'executed-twice',
    'rerun-after-return',
    'orphans',
    'recover p50/max',
    'shutdown p50/max',
    'verdict',
  ];
  const pair = (value?: Timing) =>
    value && value.samples > 0 ? `${seconds(value.p50)} / ${seconds(value.max)}` : '-';
  const rows = results.map((result) => {
    const f = result.figures;
    return [
      result.title,
      String(f.tasks),
      String(f.lost),
      String(f.wrongResult),
      String(f.executedTwice),
      String(f.rerunAfterReturn),
      f.orphans === undefined ? '-' : String(f.orphans),
      pair(f.recoverMs),
      pair(f.shutdownMs),
      result.error ? 'ERROR' : scenarioPassed(result) ? 'PASS' : 'FAIL',
    ];
  });
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function summarize(results: readonly ScenarioResult[]) {
  const sum = (pick: (f: Figures) => number | undefined) =>
    results.reduce((total, result) => total + (pick(result.figures) ?? 0), 0);
  const recover = results.map((r) => r.figures.recoverMs).filter((t) => t && t.samples > 0);
  const shutdown = results.map((r) => r.figures.shutdownMs).filter((t) => t && t.samples > 0);
  return {
    tasks: sum((f) => f.tasks),
    lost: sum((f) => f.lost),
    wrongResult: sum((f) => f.wrongResult),
    executedTwice: sum((f) => f.executedTwice),
    rerunAfterReturn: sum((f) => f.rerunAfterReturn),
    orphans: results.some((r) => r.figures.orphans !== undefined) ? sum((f) => f.orphans) : null,
    recoverP50Ms: recover[0]?.p50 ?? null,
    recoverMaxMs: recover.length ? Math.max(...recover.map((t) => t!.max)) : null,
    unrecovered: sum((f) => f.recoverMs?.unrecovered),
    shutdownMaxMs: shutdown.length ? Math.max(...shutdown.map((t) => t!.max)) : null,
    scenariosFailed: results.filter((result) => !scenarioPassed(result)).map((result) => result.id),
  };
}

export function renderSummary(results: readonly ScenarioResult[]): string {
  const s = summarize(results);
  const ms = (value: number | null) => (value === null ? '-' : seconds(value));
  const verdict = s.scenariosFailed.length
    ? `FAIL (${s.scenariosFailed.length} of ${results.length}: ${s.scenariosFailed.join(', ')})`
    : `PASS (${results.length} scenarios)`;
  return (
    `SUMMARY tasks=${s.tasks} lost=${s.lost} wrong-result=${s.wrongResult} executed-twice=${s.executedTwice} ` +
    `rerun-after-return=${s.rerunAfterReturn} orphans=${s.orphans ?? '-'} time-to-recover p50/max=` +
    `${ms(s.recoverP50Ms)}/${ms(s.recoverMaxMs)} (unrecovered ${s.unrecovered}) shutdown max=${ms(s.shutdownMaxMs)}` +
    ` → ${verdict}`
  );
}

export function writeJson(report: RunReport, file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const body = {
    ...report,
    summary: summarize(report.scenarios),
    passed: report.scenarios.every(scenarioPassed),
    scenarios: report.scenarios.map((result) => ({ ...result, passed: scenarioPassed(result) })),
  };
  // NaN (a timing with no samples) is not JSON: write null instead.
  writeFileSync(file, `${JSON.stringify(body, (_, value) => (Number.isNaN(value) ? null : value), 2)}\n`);
}
