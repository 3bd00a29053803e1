/**
 * Per-invocation dependencies, seen from a client over HTTP: every factory shape, ordering of setup and cleanup,
 * failures while setting up or cleaning up, in the foreground and in tasks on every engine.
 */
import { getHttpHeaders, TaskMCP } from 'taskmcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { engineCases } from '../engines.js';
import { rpc, serveOverHttp, untilStatus } from '../helpers.js';

const Label = z.object({ label: z.string() });

describe.each(engineCases)('tool dependencies ($name engine)', ({ name, engine }) => {
  let served: { url: URL; close(): Promise<void> };
  const journal = new Map<string, string[]>();
  const note = (label: string, entry: string) => journal.set(label, [...(journal.get(label) ?? []), entry]);

  beforeAll(async () => {
    const server = new TaskMCP({
      name: `deps-${name}`,
      version: '1',
      logger: () => {},
      tasks: { engine: engine() },
    });
    server.tool(
      {
        name: 'shapes',
        input: Label,
        task: { mode: 'optional', pollIntervalMs: 20 },
        depends: {
          plain: () => 'plain',
          later: async () => 'async',
          sync: (ctx) => ({
            value: 'disposable',
            [Symbol.dispose]: () => note(labelOf(ctx), 'dispose'),
          }),
          asyncDisposable: async (ctx) => ({
            value: 'async-disposable',
            [Symbol.asyncDispose]: async () => note(labelOf(ctx), 'asyncDispose'),
          }),
          generated: function* (ctx) {
            note(labelOf(ctx), 'generator open');
            try {
              yield 'generator';
            } finally {
              note(labelOf(ctx), 'generator close');
            }
          },
          streamed: async function* (ctx) {
            note(labelOf(ctx), 'async generator open');
            try {
              yield 'async generator';
            } finally {
              note(labelOf(ctx), 'async generator close');
            }
          },
        },
      },
      ({ label }, { plain, later, sync, asyncDisposable, generated, streamed }) => {
        note(label, 'handler');
        return [plain, later, sync.value, asyncDisposable.value, generated, streamed].join(',');
      },
    );
    server.tool(
      {
        name: 'broken_setup',
        input: Label,
        task: { mode: 'optional', pollIntervalMs: 20 },
        depends: {
          opened: async function* (ctx) {
            try {
              yield 1;
            } finally {
              note(labelOf(ctx), 'first cleaned up');
            }
          },
          failing: (): number => {
            throw new Error('database is down');
          },
        },
      },
      ({ label }) => {
        note(label, 'handler');
        return 'unreachable';
      },
    );
    server.tool(
      {
        name: 'broken_cleanup',
        input: Label,
        task: { mode: 'optional', pollIntervalMs: 20 },
        depends: {
          leaky: function* (ctx) {
            try {
              yield 'value';
            } finally {
              note(labelOf(ctx), 'cleanup throws');
              // biome-ignore lint/correctness/noUnsafeFinally: the point is a cleanup that fails.
              throw new Error('cleanup failed');
            }
          },
        },
      },
      ({ label }, { leaky }) => {
        note(label, 'handler');
        return `done with ${leaky}`;
      },
    );
    served = await serveOverHttp(server);
  });

  afterAll(() => served?.close());

  /** Call a tool in the foreground or as a task; the CallToolResult either way. */
  async function call(tool: string, label: string, asTask: boolean) {
    const reply = await rpc(
      served.url,
      'tools/call',
      { name: tool, arguments: { label } },
      {
        declare: asTask,
        headers: { 'x-label': label },
      },
    );
    if (!asTask) return reply.result as { content: Array<{ text: string }>; isError?: boolean };
    const done = await untilStatus(served.url, reply.result!.taskId as string, ['completed', 'failed']);
    return done.result as { content: Array<{ text: string }>; isError?: boolean };
  }

  for (const asTask of [false, true]) {
    const where = asTask ? 'in a task' : 'in the foreground';

    it(`enters every factory shape before the handler and cleans up in reverse order, ${where}`, async () => {
      const label = `shapes-${asTask}`;
      const result = await call('shapes', label, asTask);
      expect(result.content[0]?.text).toBe(
        'plain,async,disposable,async-disposable,generator,async generator',
      );
      expect(journal.get(label)).toEqual([
        'generator open',
        'async generator open',
        'handler',
        'async generator close',
        'generator close',
        'asyncDispose',
        'dispose',
      ]);
    });

    it(`fails the call like a throwing handler when a factory throws, after cleaning up, ${where}`, async () => {
      const label = `setup-${asTask}`;
      const result = await call('broken_setup', label, asTask);
      expect(result.isError).toBe(true);
      expect(result.content[0]?.text).toContain('database is down');
      expect(journal.get(label)).toEqual(['first cleaned up']);
    });

    it(`keeps the result when a cleanup fails, ${where}`, async () => {
      const label = `cleanup-${asTask}`;
      const result = await call('broken_cleanup', label, asTask);
      expect(result.isError).toBeFalsy();
      expect(result.content[0]?.text).toBe('done with value');
      expect(journal.get(label)).toEqual(['handler', 'cleanup throws']);
    });
  }
});

describe('registering dependencies', () => {
  const server = () => new TaskMCP({ name: 'reg', version: '1', logger: () => {} });

  it('refuses a dependency that would hide a context member', () => {
    expect(() => server().tool({ name: 't', depends: { signal: () => 1 } }, () => 'x')).toThrow(
      /dependency 'signal' would hide ctx\.signal/,
    );
  });

  it('refuses a dependency that is not a factory', () => {
    expect(() =>
      server().tool({ name: 't', depends: { db: 'postgres://' as unknown as () => string } }, () => 'x'),
    ).toThrow(/dependency 'db' must be a factory function/);
  });
});

/** Dependencies run inside the invocation: the call's own headers are reachable from any factory. */
function labelOf(_ctx: unknown): string {
  return getHttpHeaders()['x-label'] ?? 'unlabelled';
}
