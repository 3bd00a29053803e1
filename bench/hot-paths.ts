/**
 * Summarise `--cpu-prof` profiles (from `npm run bench -- --profile`): the functions with the most self time, and
 * the share of time spent under each package. Usage: `npx tsx bench/hot-paths.ts bench/profiles/<file>.cpuprofile [top]`.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function where(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const src = url.indexOf('/src/');
  if (src >= 0) return url.slice(src + 1);
  const bench = url.indexOf('/bench/');
  return bench >= 0 ? url.slice(bench + 1) : url || '(native)';
}

function packageOf(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules < 0)
    return url.includes('/src/') ? 'taskmcp (src)' : url ? 'node / other' : '(native, gc, idle)';
  const rest = url.slice(modules + 'node_modules/'.length).split('/');
  return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('Usage: tsx bench/hot-paths.ts <profile.cpuprofile> [top]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfTime = new Map<number, number>();
profile.samples.forEach((id, i) => {
  selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...selfTime.values()].reduce((a, b) => a + b, 0);

const functions = new Map<string, number>();
const packages = new Map<string, number>();
for (const [id, micros] of selfTime) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const key = `${functionName || '(anonymous)'}  ${where(url)}:${lineNumber + 1}`;
  functions.set(key, (functions.get(key) ?? 0) + micros);
  packages.set(packageOf(url), (packages.get(packageOf(url)) ?? 0) + micros);
}
// Inclusive time: every function on the stack of a sample gets the sample's time once (recursion counted once).
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const keyOf = (node: ProfileNode) =>
  `${node.callFrame.functionName || '(anonymous)'}  ${where(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
const inclusive = new Map<string, number>();
for (const [id, micros] of selfTime) {
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const node = byId.get(at)!;
    if (!node.callFrame.url) continue;
    const key = keyOf(node);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + micros);
  }
}
const pct = (micros: number) => `${((micros / total) * 100).toFixed(1).padStart(5)} %`;
console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled\n\nSelf time by package:`);
for (const [name, micros] of [...packages].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
  console.log(`  ${pct(micros)}  ${name}`);
}
console.log('\nMost time under (inclusive, JavaScript frames only):');
for (const [name, micros] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25))) {
  console.log(`  ${pct(micros)}  ${name}`);
}
console.log('\nHottest functions (self time):');
for (const [name, micros] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25))) {
  console.log(`  ${pct(micros)}  ${name}`);
}
