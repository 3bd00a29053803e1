/**
 * The server the official MCP conformance suite is run against (conformance/run.sh: the tasks scenarios, the
 * 2026-07-28 requirements and `--suite all`), and a tour of what tools can do.
 *
 *   npx tsx examples/everything-server.ts            # Streamable HTTP on http://127.0.0.1:3999/mcp
 *   PORT=4000 TASKMCP_TASKS_URL=memory:// npx tsx examples/everything-server.ts
 *
 * Tool names and behaviours are fixed by the conformance suite (@modelcontextprotocol/conformance); the `test_*`
 * fixtures are in conformance-fixtures.ts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { acceptedContent, inputRequired, ProtocolError, TaskMCP, ToolError } from 'taskmcp';
import { z } from 'zod';
import { registerConformanceFixtures } from './conformance-fixtures.js';

// Sessions: the 2025-11-25 scenarios that elicit or sample in a plain tools/call need a session over HTTP.
export const server = new TaskMCP({ name: 'taskmcp-everything', version: '0.1.0', sessions: true });

server.tool(
  { name: 'greet', description: 'Say hello (always synchronous).', input: z.object({ name: z.string() }) },
  ({ name }) => `Hello, ${name}!`,
);

server.tool(
  {
    name: 'slow_compute',
    description: 'Sleep for the given seconds, then report; runs as a task when the client supports tasks.',
    input: z.object({ seconds: z.number().min(0), label: z.string().optional() }),
    task: { mode: 'optional', pollIntervalMs: 200 },
  },
  async ({ seconds, label }, ctx) => {
    const steps = Math.max(1, Math.ceil(seconds));
    for (let step = 0; step < steps && seconds > 0; step++) {
      await ctx.reportProgress(step, steps, `Computing ${label ?? 'result'}`);
      await sleep((seconds * 1000) / steps, undefined, { signal: ctx.signal });
    }
    return `Computed ${label ?? 'result'} after ${seconds} s.`;
  },
);

server.tool(
  {
    name: 'failing_job',
    description: 'Runs only as a task and ends with a tool error.',
    task: { mode: 'required', pollIntervalMs: 200 },
  },
  async (_args, ctx) => {
    await sleep(1000, undefined, { signal: ctx.signal });
    throw new ToolError('The job failed: the input data was rejected.');
  },
);

server.tool(
  {
    name: 'protocol_error_job',
    description: 'Fails with a JSON-RPC error (the task ends "failed").',
    task: { mode: 'optional', pollIntervalMs: 200 },
  },
  async () => {
    throw new ProtocolError(-32603, 'The job hit an internal protocol fault.', { retryable: false });
  },
);

const Confirmation = z.object({ confirm: z.boolean() });

server.tool(
  {
    name: 'confirm_delete',
    description: 'Asks for confirmation before deleting a file.',
    input: z.object({ filename: z.string() }),
    task: { mode: 'optional', pollIntervalMs: 200 },
  },
  ({ filename }, ctx) => {
    const answer = acceptedContent(ctx.inputResponses, 'confirm', Confirmation);
    if (!answer) {
      return inputRequired({
        inputRequests: {
          confirm: inputRequired.elicit({ message: `Delete ${filename}?`, requestedSchema: Confirmation }),
        },
      });
    }
    return answer.confirm ? `Deleted ${filename}.` : `Kept ${filename}.`;
  },
);

const Name = z.object({ name: z.string() });

server.tool(
  {
    name: 'multi_input',
    description: 'Asks two questions at once and answers when both are in.',
    task: { mode: 'optional', pollIntervalMs: 200 },
  },
  (_args, ctx) => {
    const name = acceptedContent(ctx.inputResponses, 'name', Name);
    const confirmation = acceptedContent(ctx.inputResponses, 'confirm', Confirmation);
    if (!name || !confirmation) {
      return inputRequired({
        inputRequests: {
          name: inputRequired.elicit({ message: 'What is your name?', requestedSchema: Name }),
          confirm: inputRequired.elicit({ message: 'Proceed?', requestedSchema: Confirmation }),
        },
      });
    }
    return `Hello ${name.name}; proceed: ${confirmation.confirm}.`;
  },
);

server.tool(
  {
    name: 'test_tool_with_task',
    description: 'Asks for a name before starting, then greets from a task.',
    task: { mode: 'required', pollIntervalMs: 200 },
    preflight: (_args, ctx) =>
      acceptedContent(ctx.inputResponses, 'user', Name)
        ? undefined
        : inputRequired({
            inputRequests: {
              user: inputRequired.elicit({ message: 'Who is asking?', requestedSchema: Name }),
            },
          }),
  },
  (_args, ctx) =>
    `Hello, ${acceptedContent(ctx.inputResponses, 'user', Name)?.name ?? 'stranger'}! Your task ran.`,
);

registerConformanceFixtures(server);

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 3999);
  await server.run({ transport: 'http', port });
}
