import { getContext, TaskMCP } from 'taskmcp';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const make = () => new TaskMCP({ name: 'reg', version: '1.0.0', logger: () => {} });

describe('registering tools', () => {
  it('needs a name and a version', () => {
    expect(() => new TaskMCP({ name: '', version: '1' })).toThrow('TaskMCP needs a name and a version.');
  });

  it('rejects duplicate and malformed tool names', () => {
    const server = make().tool({ name: 'a' }, () => 'a');
    expect(() => server.tool({ name: 'a' }, () => 'b')).toThrow("A tool named 'a' is already registered.");
    expect(() => server.tool({ name: 'has space' }, () => 'b')).toThrow(/Invalid tool name 'has space'/);
  });

  it('rejects task settings that cannot work, naming the tool and the field', () => {
    const server = make();
    expect(() => server.tool({ name: 'm', task: { mode: 'sometimes' as never } }, () => '')).toThrow(
      "Tool 'm': task.mode must be 'forbidden', 'optional' or 'required', got 'sometimes'.",
    );
    expect(() => server.tool({ name: 't', task: { ttlMs: -5 } }, () => '')).toThrow(
      /task.ttlMs must be a positive integer/,
    );
    expect(() => server.tool({ name: 'big', task: { ttlMs: 10 * 24 * 3600_000 } }, () => '')).toThrow(
      /exceeds the server maximum of 86400000 ms/,
    );
    expect(() => server.tool({ name: 'r', task: { retry: { attempts: 0 } } }, () => '')).toThrow(
      /task.retry.attempts/,
    );
    expect(() => server.tool({ name: 'h' }, undefined as never)).toThrow(
      "Tool 'h' needs a handler function.",
    );
  });

  it('refuses tools registered after the server started', async () => {
    const server = make();
    await server.start();
    expect(() => server.tool({ name: 'late', input: z.object({}) }, () => '')).toThrow(
      "Register tool 'late' before the server starts.",
    );
    await server.close();
  });

  it('refuses task engine URLs it cannot serve instead of falling back to memory', async () => {
    const server = new TaskMCP({
      name: 'x',
      version: '1',
      logger: () => {},
      tasks: { engine: 'postgres://user:secret@db/x' },
    });
    await expect(server.start()).rejects.toThrow("Unsupported task engine URL 'postgres://user:***@db/x'");
  });
});

describe('getContext', () => {
  it('explains itself when called outside an invocation', () => {
    expect(() => getContext()).toThrow(/outside an invocation/);
  });
});

describe('registering resources and prompts as tasks', () => {
  it('rejects task settings that cannot work, naming the resource or prompt and the field', () => {
    const server = make();
    const read = (uri: URL) => ({ contents: [{ uri: uri.href, text: '' }] });
    expect(() => server.resource('r', 'r://x', { task: { retry: { attempts: 2 } } as never }, read)).toThrow(
      "Resource 'r': unknown task option 'retry'; the options are mode, ttlMs and pollIntervalMs.",
    );
    expect(() => server.resource('t', 't://x', { task: 'yes' as never }, read)).toThrow(
      "Resource 't': task must be true, false or an object of task options, got 'yes'.",
    );
    expect(() =>
      server.prompt('p', { task: { mode: 'sometimes' as never } }, () => ({ messages: [] })),
    ).toThrow("Prompt 'p': task.mode must be 'forbidden', 'optional' or 'required', got 'sometimes'.");
    expect(() =>
      server.resource('ok', 'ok://x', { task: { mode: 'required', ttlMs: 1000, pollIntervalMs: 10 } }, read),
    ).not.toThrow();
  });

  it("refuses a ttl beyond the server maximum at registration, the server's defaults applied", () => {
    const read = (uri: URL) => ({ contents: [{ uri: uri.href, text: '' }] });
    expect(() =>
      make().prompt('q', { task: { ttlMs: 10 * 24 * 3600_000 } }, () => ({ messages: [] })),
    ).toThrow("Prompt 'q': task.ttlMs 864000000 exceeds the server maximum of 86400000 ms (tasks.maxTtlMs).");
    // Without a ttl of its own, the server's default ttl must fit its maximum too.
    const bounded = new TaskMCP({
      name: 'bounded',
      version: '1.0.0',
      logger: () => {},
      tasks: { defaultTtlMs: 60_000, maxTtlMs: 120_000 },
    });
    expect(() => bounded.resource('r', 'r://x', { task: { ttlMs: 180_000 } }, read)).toThrow(
      "Resource 'r': task.ttlMs 180000 exceeds the server maximum of 120000 ms (tasks.maxTtlMs).",
    );
    expect(() => bounded.resource('ok', 'ok://x', { task: true }, read)).not.toThrow();
  });
});
