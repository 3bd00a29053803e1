/**
 * A task's handler owns its arguments and input answers, as in the foreground: it may change them, whichever engine
 * keeps the task (the memory engine's stored records are frozen and must not reach the handler as they are).
 */
import { acceptedContent, inputRequired, TaskMCP } from 'taskmcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { engineCases } from '../engines.js';
import { rpc, serveOverHttp, untilStatus } from '../helpers.js';

describe.each(engineCases)('task handlers own their data ($name engine)', ({ engine }) => {
  let server: TaskMCP;
  let url: URL;

  beforeAll(async () => {
    server = new TaskMCP({
      name: 'owned-data',
      version: '1.0.0',
      logger: () => {},
      tasks: { engine: engine() },
    });
    // No input schema: the handler gets the arguments as stored.
    server.tool({ name: 'append', task: true }, (args) => {
      const list = args as unknown as { items: string[] };
      list.items.push('added');
      return list.items.join(',');
    });
    const Answer = z.object({ name: z.string() });
    server.tool({ name: 'ask', task: true }, (_args, ctx) => {
      const answer = acceptedContent(ctx.inputResponses, 'name', Answer);
      if (!answer) {
        return inputRequired({
          inputRequests: { name: inputRequired.elicit({ message: 'Name?', requestedSchema: Answer }) },
        });
      }
      answer.name = answer.name.toUpperCase();
      (ctx.inputResponses as Record<string, unknown>).seen = true;
      return `Hello, ${answer.name}!`;
    });
    ({ url } = await serveOverHttp(server));
  });

  afterAll(async () => {
    await server?.close();
  });

  it('lets the handler change its arguments', async () => {
    const { result } = await rpc(url, 'tools/call', { name: 'append', arguments: { items: ['a'] } });
    const done = await untilStatus(url, result!.taskId as string, ['completed', 'failed']);
    expect(done).toMatchObject({
      status: 'completed',
      result: { content: [{ type: 'text', text: 'a,added' }] },
    });
    expect(done.result).not.toHaveProperty('isError');
  });

  it('lets the handler change the answers to its input requests', async () => {
    const { result } = await rpc(url, 'tools/call', { name: 'ask' });
    const taskId = result!.taskId as string;
    const waiting = await untilStatus(url, taskId, ['input_required']);
    const [key] = Object.keys(waiting.inputRequests as object);
    await rpc(url, 'tasks/update', {
      taskId,
      inputResponses: { [key!]: { action: 'accept', content: { name: 'ada' } } },
    });
    const done = await untilStatus(url, taskId, ['completed', 'failed']);
    expect(done).toMatchObject({
      status: 'completed',
      result: { content: [{ type: 'text', text: 'Hello, ADA!' }] },
    });
    expect(done.result).not.toHaveProperty('isError');
  });
});
