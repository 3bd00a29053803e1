/**
 * Every code block in README.md and docs/*.md that is preceded by `<!-- snippet: <file>#<region> -->` (a file under
 * docs/snippets/) or `<!-- source: <path>#<region> -->` (any file, e.g. an example) must be exactly that `//#region`,
 * which the type check covers. So documentation code always compiles. `npm run docs:sync` rewrites the blocks after
 * a region changed.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { markedFile, pages, region, SNIPPET_MARKER } from '../../scripts/sync-snippets.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (page: string) => readFileSync(`${root}${page}`, 'utf8');

describe('documentation snippets', () => {
  it('finds the README and documentation pages with snippets', () => {
    expect(read('README.md').match(SNIPPET_MARKER)).not.toBeNull();
    expect(
      pages().filter((page) => page.startsWith('docs/') && read(page).match(SNIPPET_MARKER)),
    ).not.toEqual([]);
  });

  it('marks every TypeScript block, so none escapes the type check', () => {
    const unmarked = pages().flatMap((page) =>
      [...read(page).matchAll(/^(.*)\n```ts\n/gm)]
        .filter(([, before]) => !/^<!-- (snippet|source): /.test(before!))
        .map(([, before]) => `${page}: after '${before}'`),
    );
    expect(unmarked).toEqual([]);
  });

  it('shows the quick start example itself in the README', () => {
    expect(read('README.md')).toContain('<!-- source: examples/quickstart.ts#server -->');
    expect(read('README.md')).toContain('<!-- source: examples/quickstart-client.ts#client -->');
  });

  for (const page of pages()) {
    for (const [, , kind, file, name, code] of read(page).matchAll(SNIPPET_MARKER)) {
      it(`${page}: ${markedFile(kind!, file!)}#${name} matches the type-checked source`, () => {
        expect(code).toBe(region(markedFile(kind!, file!), name!));
      });
    }
  }
});
