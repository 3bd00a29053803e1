/**
 * Every code block in docs/*.md that is preceded by `<!-- snippet: <file>#<region> -->` must be exactly that
 * `//#region` of a file under docs/snippets/, which the type check covers. So documentation code always compiles.
 * `npm run docs:sync` rewrites the blocks after a snippet changed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { region, SNIPPET_MARKER } from '../../scripts/sync-snippets.js';

const docs = fileURLToPath(new URL('../../docs/', import.meta.url));
const pages = readdirSync(docs).filter((file) => file.endsWith('.md'));

describe('documentation snippets', () => {
  it('finds documentation pages with snippets', () => {
    expect(pages.some((page) => readFileSync(`${docs}${page}`, 'utf8').match(SNIPPET_MARKER))).toBe(true);
  });

  for (const page of pages) {
    const text = readFileSync(`${docs}${page}`, 'utf8');
    for (const [, , file, name, code] of text.matchAll(SNIPPET_MARKER)) {
      it(`${page}: ${file}#${name} matches the type-checked source`, () => {
        expect(code).toBe(region(file!, name!));
      });
    }
  }
});
