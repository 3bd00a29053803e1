/**
 * The layering rules of src/wire, checked on the import lines so they hold from now on: the era code declares the
 * ports it needs (src/wire/era.ts) and never reaches back up into src/server, and no two wire modules import each
 * other, directly or around a loop. Type-only imports count too: a type imported back up is still a dependency
 * pointing the wrong way, and a cycle of types is where a cycle of values starts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const wire = join(root, 'src', 'wire');
const server = join(root, 'src', 'server');

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The files `file` imports by relative path (static, re-exports and dynamic `import()`), as absolute `.ts` paths. */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"](\.[^'"]+)['"]/gm)];
  return specifiers.map((match) => resolve(dirname(file), (match[1] as string).replace(/\.js$/, '.ts')));
}

const show = (file: string) => relative(root, file);

/** Every import cycle among `files`, each as the list of files around it (depth-first search, one per back edge). */
function importCycles(files: readonly string[]): string[][] {
  const inside = new Set(files);
  const edges = new Map(files.map((file) => [file, relativeImports(file).filter((to) => inside.has(to))]));
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    path.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next].map(show));
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return cycles;
}

describe('architecture of src/wire', () => {
  const files = sourcesUnder(wire);

  it('finds the wire sources', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('never imports from src/server (wire declares ports, server implements them)', () => {
    const upward = files.flatMap((file) =>
      relativeImports(file)
        .filter((to) => to.startsWith(`${server}/`))
        .map((to) => `${show(file)} -> ${show(to)}`),
    );
    expect(upward).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(importCycles(files)).toEqual([]);
  });
});

describe('architecture of src/server', () => {
  // The server reaches an era only through wire/eras.ts and the WireEra interface, so dropping an era is its folder
  // and one line there.
  const ERA_FOLDERS = [join(wire, 'modern'), join(wire, 'legacy')];

  it('imports no era folder of src/wire', () => {
    const named = sourcesUnder(server).flatMap((file) =>
      relativeImports(file)
        .filter((to) => ERA_FOLDERS.some((folder) => to.startsWith(`${folder}/`)))
        .map((to) => `${show(file)} -> ${show(to)}`),
    );
    expect(named).toEqual([]);
  });
});
