/**
 * Where the CLI writes: data (results, ids, listings) on stdout, so it pipes cleanly; everything meant for a
 * human (progress, notices, errors) on stderr. With `--json`, stdout carries exactly one JSON document per datum.
 */
import type { CallToolResult } from '@modelcontextprotocol/client';

export class Output {
  constructor(
    readonly json: boolean,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WriteStream = process.stderr,
  ) {}

  /** One datum on stdout: `value` as JSON under `--json`, else `text`. */
  data(value: unknown, text?: string): void {
    if (this.json) this.stdout.write(`${JSON.stringify(value)}\n`);
    else this.stdout.write(ensureNewline(text ?? (typeof value === 'string' ? value : pretty(value))));
  }

  /** A line for the human at the terminal. */
  notice(message: string): void {
    this.stderr.write(ensureNewline(message));
  }

  /** Whether a human watches stderr (progress bars only make sense there). */
  get interactive(): boolean {
    return Boolean(this.stderr.isTTY);
  }

  get errorStream(): NodeJS.WriteStream {
    return this.stderr;
  }

  /** Resolves once everything written so far has been handed to the OS (before `process.exit`). */
  flush(): Promise<void> {
    return new Promise((resolve) => this.stdout.write('', () => resolve()));
  }
}

/** The readable form of a tool result: its text blocks, then any other block as JSON. */
export function resultText(result: CallToolResult): string {
  const parts = (result.content ?? []).map((block) =>
    block.type === 'text' ? block.text : JSON.stringify(block),
  );
  if (parts.length === 0 && result.structuredContent !== undefined)
    parts.push(pretty(result.structuredContent));
  return parts.join('\n');
}

function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
