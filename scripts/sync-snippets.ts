/**
 * Rewrite every marked code block in docs/*.md from its //#region in docs/snippets/*.ts (after formatting).
 * `npm run docs:sync`; test/docs/snippets.test.ts fails when they drift apart.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const docs = fileURLToPath(new URL('../docs/', import.meta.url));
const MARKER = /(<!-- snippet: ([\w./-]+)#([\w-]+) -->\s*```ts\n)([\s\S]*?)```/g;

export function region(file: string, name: string): string {
  const source = readFileSync(`${docs}snippets/${file}`, 'utf8');
  const match = new RegExp(`//#region ${name}\\n([\\s\\S]*?)//#endregion`).exec(source);
  if (!match) throw new Error(`No region '${name}' in docs/snippets/${file}`);
  const lines = match[1]!.replace(/\s+$/, '').split('\n');
  const indent = Math.min(...lines.filter((line) => line.trim()).map((line) => /^ */.exec(line)![0].length));
  return `${lines.map((line) => line.slice(indent)).join('\n')}\n`;
}

export const SNIPPET_MARKER = MARKER;

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const page of readdirSync(docs).filter((file) => file.endsWith('.md'))) {
    const text = readFileSync(`${docs}${page}`, 'utf8');
    const synced = text.replace(
      MARKER,
      (_all, head: string, file: string, name: string) => `${head}${region(file, name)}\`\`\``,
    );
    if (synced !== text) {
      writeFileSync(`${docs}${page}`, synced);
      console.error(`updated docs/${page}`);
    }
  }
}
