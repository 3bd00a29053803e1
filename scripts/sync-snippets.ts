/**
 * Rewrite every marked code block in README.md and docs/*.md from the //#region it names, so the documentation
 * only ever shows code that the type check covers:
 *
 *   <!-- snippet: engines.ts#memory -->              a region of docs/snippets/engines.ts (type-checked)
 *   <!-- source: examples/quickstart.ts#server -->   a region of any file, from the repository root (examples and
 *                                                    tests, which are also run)
 *
 * `npm run docs:sync`; test/docs/snippets.test.ts fails when they drift apart.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const MARKER = /(<!-- (snippet|source): ([\w./-]+)#([\w-]+) -->\s*```ts\n)([\s\S]*?)```/g;

/** The pages that may hold marked blocks, relative to the repository root. */
export function pages(): string[] {
  const docs = readdirSync(`${root}docs`).filter((file) => file.endsWith('.md'));
  return ['README.md', ...docs.map((file) => `docs/${file}`)];
}

/** The file a marker names, relative to the repository root. */
export function markedFile(kind: string, file: string): string {
  return kind === 'snippet' ? `docs/snippets/${file}` : file;
}

/** The text of `//#region name` in `file` (relative to the repository root), with its common indent removed. */
export function region(file: string, name: string): string {
  const source = readFileSync(`${root}${file}`, 'utf8');
  const match = new RegExp(`//#region ${name}\\n([\\s\\S]*?)//#endregion`).exec(source);
  if (!match) throw new Error(`No region '${name}' in ${file}`);
  const lines = match[1]!.replace(/\s+$/, '').split('\n');
  const indent = Math.min(...lines.filter((line) => line.trim()).map((line) => /^ */.exec(line)![0].length));
  return `${lines.map((line) => line.slice(indent)).join('\n')}\n`;
}

export const SNIPPET_MARKER = MARKER;

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const page of pages()) {
    const text = readFileSync(`${root}${page}`, 'utf8');
    const synced = text.replace(
      MARKER,
      (_all, head: string, kind: string, file: string, name: string) =>
        `${head}${region(markedFile(kind, file), name)}\`\`\``,
    );
    if (synced !== text) {
      writeFileSync(`${root}${page}`, synced);
      console.error(`updated ${page}`);
    }
  }
}
