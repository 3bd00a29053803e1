import { TaskMCP, type TaskMCPOptions } from 'taskmcp';
import { Client, taskModeOf } from 'taskmcp/client';
import { describe, expect, it } from 'vitest';

const make = (tasks?: TaskMCPOptions['tasks']) =>
  new TaskMCP({ name: 'opts', version: '1.0.0', logger: () => {}, tasks });
const register = (task: unknown) => () => make().tool({ name: 'job', task: task as never }, () => '');

describe('task options of a tool, checked at registration', () => {
  it('names an unknown option and lists the known ones', () => {
    expect(register({ perpetual: true })).toThrow(
      "Tool 'job': unknown task option 'perpetual'; the options are mode, ttlMs, pollIntervalMs, timeoutMs, retry and immediateResultMs.",
    );
    expect(register({ mode: 'optional', ttl: 5_000 })).toThrow("unknown task option 'ttl'");
  });

  it('names a mode that does not exist and the modes that do', () => {
    expect(register({ mode: 'sometimes' })).toThrow(
      "Tool 'job': task.mode must be 'forbidden', 'optional' or 'required', got 'sometimes'.",
    );
    expect(register('optional')).toThrow(
      "Tool 'job': task must be true, false or an object of task options, got 'optional'.",
    );
  });

  it.each([
    ['ttlMs', -5, '-5'],
    ['ttlMs', 0, '0'],
    ['pollIntervalMs', 1.5, '1.5'],
    ['timeoutMs', '5000', "'5000'"],
    ['timeoutMs', Number.NaN, 'NaN'],
  ])('refuses %s %s, naming the option and what it takes', (key, value, shown) => {
    expect(register({ [key]: value })).toThrow(
      `Tool 'job': task.${key} must be a positive integer (milliseconds), got ${shown}.`,
    );
  });

  it('refuses a ttl above the server maximum, naming the server setting', () => {
    expect(register({ ttlMs: 10 * 24 * 3600_000 })).toThrow(
      "Tool 'job': task.ttlMs 864000000 exceeds the server maximum of 86400000 ms (tasks.maxTtlMs).",
    );
  });

  it('checks retry and its backoff key by key', () => {
    expect(register({ retry: 3 })).toThrow(
      "Tool 'job': task.retry must be an object like { attempts: 3 }, got 3.",
    );
    expect(register({ retry: {} })).toThrow("Tool 'job': task.retry needs attempts (a positive integer).");
    expect(register({ retry: { attempts: 0 } })).toThrow(
      "Tool 'job': task.retry.attempts must be a positive integer (attempts in all, the first included), got 0.",
    );
    expect(register({ retry: { attempts: 2, delay: 10 } })).toThrow(
      "Tool 'job': unknown task.retry option 'delay'; the options are attempts and backoff.",
    );
    expect(register({ retry: { attempts: 2, backoff: { type: 'linear', delayMs: 10 } } })).toThrow(
      "Tool 'job': task.retry.backoff.type must be 'fixed' or 'exponential', got 'linear'.",
    );
    expect(register({ retry: { attempts: 2, backoff: { type: 'fixed', delayMs: -1 } } })).toThrow(
      "Tool 'job': task.retry.backoff.delayMs must be a non-negative integer (milliseconds), got -1.",
    );
    expect(
      register({ retry: { attempts: 2, backoff: { type: 'fixed', delayMs: 1, jitter: true } } }),
    ).toThrow(
      "Tool 'job': unknown task.retry.backoff option 'jitter'; the options are type, delayMs and maxDelayMs.",
    );
    expect(
      register({ retry: { attempts: 2, backoff: { type: 'exponential', delayMs: 1, maxDelayMs: 0 } } }),
    ).toThrow('task.retry.backoff.maxDelayMs must be a positive integer (milliseconds), got 0.');
  });

  it('accepts every option at a valid value', () => {
    const full = {
      mode: 'required',
      ttlMs: 60_000,
      pollIntervalMs: 500,
      timeoutMs: 1_000,
      retry: { attempts: 3, backoff: { type: 'exponential', delayMs: 0, maxDelayMs: 100 } },
    };
    expect(register(full)).not.toThrow();
    expect(register(true)).not.toThrow();
    expect(register(false)).not.toThrow();
  });
});

describe('server options, checked at construction', () => {
  const construct = (options: Record<string, unknown>) => () =>
    new TaskMCP({ name: 'opts', version: '1.0.0', ...options } as TaskMCPOptions);

  it('names an unknown option, top level or task setting', () => {
    expect(construct({ task: {} })).toThrow(
      "TaskMCP 'opts': unknown option 'task'; the options are name, version, title, instructions, tasks,",
    );
    expect(construct({ tasks: { defaultTTLMs: 1_000 } })).toThrow(
      "TaskMCP 'opts': unknown option 'tasks.defaultTTLMs'; the task settings are engine, concurrency, defaultMode,",
    );
  });

  it('names a default mode that does not exist', () => {
    expect(construct({ tasks: { defaultMode: 'always' } })).toThrow(
      "TaskMCP 'opts': tasks.defaultMode must be 'forbidden', 'optional' or 'required', got 'always'.",
    );
  });

  it.each([
    ['defaultTtlMs', 0, ' (milliseconds)'],
    ['defaultPollIntervalMs', -1, ' (milliseconds)'],
    ['maxTtlMs', 2.5, ' (milliseconds)'],
    ['minTtlMs', 0, ' (milliseconds)'],
    ['concurrency', 0, ''],
    ['maxTasksPerPrincipal', -3, ''],
    ['maxTasks', 1.5, ''],
    ['maxArgumentBytes', 0, ''],
    ['maxArgumentDepth', 0, ''],
    ['listPageSize', 0, ''],
  ])('refuses tasks.%s %s', (key, value, unit) => {
    expect(construct({ tasks: { [key]: value } })).toThrow(
      `TaskMCP 'opts': tasks.${key} must be a positive integer${unit}, got ${value}.`,
    );
  });

  it('refuses ttl bounds that contradict each other, defaults included', () => {
    expect(construct({ tasks: { maxTtlMs: 60_000 } })).toThrow(
      "TaskMCP 'opts': tasks.defaultTtlMs (900000 ms) exceeds tasks.maxTtlMs (60000 ms).",
    );
    expect(construct({ tasks: { maxTtlMs: 2_000, defaultTtlMs: 1_000 } })).toThrow(
      "TaskMCP 'opts': tasks.minTtlMs (5000 ms) exceeds tasks.maxTtlMs (2000 ms).",
    );
    expect(construct({ tasks: { maxTtlMs: 60_000, defaultTtlMs: 60_000 } })).not.toThrow();
  });

  it('names unknown keys of auth, dashboard and metrics, and an auth without a verifier', () => {
    expect(construct({ metrics: { route: '/m' } })).toThrow(
      "TaskMCP 'opts': unknown option 'metrics.route'; the metrics options are path.",
    );
    expect(construct({ dashboard: { token: 'x'.repeat(20), base: '/d/' } })).toThrow(
      "TaskMCP 'opts': unknown option 'dashboard.base'; the dashboard options are token and path.",
    );
    expect(construct({ auth: { verifier: { verifyAccessToken: async () => ({}) }, scopes: [] } })).toThrow(
      "TaskMCP 'opts': unknown option 'auth.scopes'; the auth options are verifier, requiredScopes and resourceMetadataUrl.",
    );
    expect(construct({ auth: { requiredScopes: ['read'] } })).toThrow(
      "TaskMCP 'opts': auth.verifier must be a token verifier (an object with verifyAccessToken).",
    );
  });

  it('refuses an engine that is neither a URL nor an engine', () => {
    expect(construct({ tasks: { engine: 6379 } })).toThrow(
      "TaskMCP 'opts': tasks.engine must be a TaskEngine or a URL string, got 6379.",
    );
  });
});

describe('the server-wide default task mode', () => {
  const modes = (defaultMode: TaskMCPOptions['tasks']) => {
    const server = make(defaultMode);
    server
      .tool({ name: 'bare' }, () => '')
      .tool({ name: 'off', task: false }, () => '')
      .tool({ name: 'on', task: true }, () => '')
      .tool({ name: 'timed', task: { timeoutMs: 1_000 } }, () => '')
      .tool({ name: 'pinned', task: { mode: 'forbidden' } }, () => '');
    return server;
  };

  it('applies to tools without task; an object without mode takes it when it is a task mode', async () => {
    const cases = [
      [undefined, { bare: 'forbidden', off: 'forbidden', on: 'optional', timed: 'optional' }],
      [
        { defaultMode: 'optional' },
        { bare: 'optional', off: 'forbidden', on: 'optional', timed: 'optional' },
      ],
      [
        { defaultMode: 'required' },
        { bare: 'required', off: 'forbidden', on: 'optional', timed: 'required' },
      ],
    ] as const;
    for (const [tasks, expected] of cases) {
      const server = modes(tasks);
      const client = await Client.connect({ server });
      const listed = await client.listTools();
      expect(Object.fromEntries(listed.map((tool) => [tool.name, taskModeOf(tool)]))).toEqual({
        ...expected,
        pinned: 'forbidden',
      });
      await client.close();
      await server.close();
    }
  });
});
