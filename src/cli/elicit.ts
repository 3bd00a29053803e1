/**
 * Answer a server's elicitation at the terminal: each field of the requested schema is asked on stderr and read
 * from stdin. Without a terminal on stdin nobody can answer: declining would only make the tool ask again, so the
 * call ends (exit 6) instead.
 */
import { createInterface } from 'node:readline/promises';
import type { ElicitRequest, ElicitResult } from '@modelcontextprotocol/client';
import { CliError, ExitCode } from './exit-codes.js';

interface FieldSchema {
  type?: string;
  description?: string;
  title?: string;
  enum?: unknown[];
}

export async function elicitAtTerminal(params: ElicitRequest['params']): Promise<ElicitResult> {
  if (!process.stdin.isTTY) {
    throw new CliError(
      `The server asks "${params.message}" and stdin is not a terminal to answer on; run the call interactively.`,
      ExitCode.needsInput,
    );
  }
  const schema = (params as { requestedSchema?: { properties?: Record<string, FieldSchema> } })
    .requestedSchema;
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    process.stderr.write(`\n${params.message}\n`);
    const content: Record<string, string | number | boolean> = {};
    for (const [name, field] of Object.entries(schema?.properties ?? {})) {
      const hint = field.enum ? ` (${field.enum.join('/')})` : field.type ? ` (${field.type})` : '';
      const answer = await prompt.question(`  ${field.title ?? name}${hint}: `);
      content[name] = coerce(answer.trim(), field.type);
    }
    return { action: 'accept', content };
  } finally {
    prompt.close();
  }
}

function coerce(answer: string, type: string | undefined): string | number | boolean {
  if (type === 'boolean') return /^(y|yes|true|1)$/i.test(answer);
  if ((type === 'number' || type === 'integer') && answer !== '' && !Number.isNaN(Number(answer))) {
    return Number(answer);
  }
  return answer;
}
