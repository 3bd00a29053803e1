/**
 * SVG charts drawn by hand (no chart service, no dependency): one horizontal bar per comparison showing the median
 * ratio ours / baseline on a log scale, a whisker from min to max over the repetitions, and the parity line at 1.
 */
import type { Comparison, ScenarioResult } from './results.js';
import { num } from './results.js';

const WIDTH = 900;
const LABEL_WIDTH = 430;
const ROW = 42;
const TOP = 58;
const BOTTOM = 40;
const PLOT_LEFT = LABEL_WIDTH + 10;
const PLOT_RIGHT = WIDTH - 70;

const COLOURS: Record<Comparison['verdict'], string> = {
  better: '#2e7d32',
  worse: '#c62828',
  par: '#757575',
  'n/a': '#1565c0',
};

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Powers of two around the data, so 0.25×, 0.5×, 1×, 2× … sit at equal distances. */
function axisRange(rows: Comparison[]): { lo: number; hi: number } {
  const values = rows
    .flatMap((r) => [r.ratio.min, r.ratio.max, 1])
    .filter((v) => v > 0 && Number.isFinite(v));
  return {
    lo: 2 ** Math.floor(Math.log2(Math.min(...values))),
    hi: 2 ** Math.ceil(Math.log2(Math.max(...values)) + 1e-9),
  };
}

export function scenarioChart(scenario: ScenarioResult): string {
  const rows = scenario.comparisons;
  const height = TOP + rows.length * ROW + BOTTOM;
  const { lo, hi } = axisRange(rows);
  const x = (v: number) =>
    PLOT_LEFT + ((Math.log2(v) - Math.log2(lo)) / (Math.log2(hi) - Math.log2(lo))) * (PLOT_RIGHT - PLOT_LEFT);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">${escapeXml(scenario.title)}</text>`,
    `<text x="10" y="42" fill="#555">Ratio ours / baseline (median, whisker = min–max over repetitions, log scale). ▲ higher is better, ▼ lower is better.</text>`,
  ];
  for (let tick = lo; tick <= hi * 1.0001; tick *= 2) {
    const tx = x(tick);
    parts.push(
      `<line x1="${tx}" y1="${TOP - 6}" x2="${tx}" y2="${height - BOTTOM + 4}" stroke="${tick === 1 ? '#000' : '#ddd'}" stroke-width="${tick === 1 ? 1.5 : 1}"/>`,
      `<text x="${tx}" y="${height - BOTTOM + 18}" text-anchor="middle" fill="#555">${num(tick)}×</text>`,
    );
  }
  rows.forEach((row, i) => {
    const y = TOP + i * ROW;
    const mid = y + ROW / 2;
    const arrow = row.better === 'higher' ? '▲' : '▼';
    const clip = (text: string) => (text.length > 72 ? `${text.slice(0, 71)}…` : text);
    parts.push(
      `<text x="10" y="${mid - 3}"><title>${escapeXml(row.label)}</title>${escapeXml(clip(`${arrow} ${row.label}`))}</text>`,
      `<text x="24" y="${mid + 12}" fill="#666" font-size="11">${escapeXml(clip(`${row.oursName} vs ${row.baselineName}`))}</text>`,
      `<rect x="${Math.min(x(1), x(row.ratio.median))}" y="${y + 8}" width="${Math.max(1, Math.abs(x(row.ratio.median) - x(1)))}" height="${ROW - 16}" fill="${COLOURS[row.verdict]}" opacity="0.8"/>`,
      `<line x1="${x(row.ratio.min)}" y1="${mid}" x2="${x(row.ratio.max)}" y2="${mid}" stroke="#222" stroke-width="1.5"/>`,
      `<line x1="${x(row.ratio.min)}" y1="${mid - 5}" x2="${x(row.ratio.min)}" y2="${mid + 5}" stroke="#222"/>`,
      `<line x1="${x(row.ratio.max)}" y1="${mid - 5}" x2="${x(row.ratio.max)}" y2="${mid + 5}" stroke="#222"/>`,
      `<text x="${PLOT_RIGHT + 8}" y="${mid + 4}">${num(row.ratio.median)}×</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
