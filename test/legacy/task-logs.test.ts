/**
 * Task logs on 2025-11-25: `ctx.log` in a tool running as a task reaches the client that created the task as
 * `notifications/message` with the related-task `_meta`, at the level the client set (`logging/setLevel`), over
 * stdio (a real subprocess, memory engine) and over HTTP sessions with the task run by a `taskmcp worker` process on
 * Redis. A task that logs too much is cut down to its budget, with a warning saying how many records were dropped.
 */
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CallToolResultSchema,
  CreateTaskResultSchema,
  LoggingMessageNotificationSchema,
  RELATED_TASK_META_KEY,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_SERVER } from '../cli/cli.js';
import { type FrontAndWorker, startFrontAndWorker } from '../distributed.js';
import { createTaskLogServer, FLOOD_LINES } from '../fixtures/task-log-server.js';
import { eventually } from '../helpers.js';
import { requireRedis, uniqueName } from '../redis.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const enabled = await requireRedis();
const TASK_LOG_WORKER = CLI_SERVER.replace('cli-server.ts', 'task-log-worker.ts');

interface LogLine {
  level: string;
  data: unknown;
  logger?: string;
  _meta?: Record<string, unknown>;
}

async function connect(transport: StdioClientTransport | StreamableHTTPClientTransport) {
  const client = new Client({ name: 'task-logs', version: '1.0.0' }, { capabilities: {} });
  const lines: LogLine[] = [];
  client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
    lines.push(notification.params as LogLine);
  });
  await client.connect(transport);
  /** Run `tool` as a task to its result; returns the task id and the result. */
  const runTask = async (tool: string) => {
    const { task } = await client.request(
      { method: 'tools/call', params: { name: tool, arguments: {} } },
      CreateTaskResultSchema,
      { task: { ttl: 60_000 } },
    );
    const result = await client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema);
    return { taskId: task.taskId, result };
  };
  return { client, lines, runTask };
}

const of = (lines: LogLine[], taskId: string) =>
  lines.filter((line) => (line._meta?.[RELATED_TASK_META_KEY] as { taskId?: string })?.taskId === taskId);

describe('task logs over stdio (a real subprocess, memory engine)', () => {
  let connection: Awaited<ReturnType<typeof connect>>;

  beforeAll(async () => {
    connection = await connect(
      new StdioClientTransport({
        command: `${root}node_modules/.bin/tsx`,
        args: [`${root}test/fixtures/task-log-stdio.ts`],
        cwd: root,
        stderr: 'ignore',
      }),
    );
  });
  afterAll(() => connection?.client.close());

  it('sends each record at or above the level set, with the related-task _meta, before the result', async () => {
    await connection.client.setLoggingLevel('info');
    const { taskId, result } = await connection.runTask('chatty');
    expect(result.structuredContent).toMatchObject({ pid: expect.any(Number) });
    // Over stdio the records come before the tasks/result answer, on the one stream.
    expect(of(connection.lines, taskId)).toEqual([
      {
        level: 'info',
        data: { message: 'step one', data: { rows: 3 } },
        _meta: { [RELATED_TASK_META_KEY]: { taskId } },
      },
      { level: 'warning', data: 'step two', _meta: { [RELATED_TASK_META_KEY]: { taskId } } },
    ]);
  });

  it('cuts a flood down to the budget, says how many records it dropped, and cuts a large record', async () => {
    await connection.client.setLoggingLevel('debug');
    const { taskId } = await connection.runTask('flood');
    const lines = of(connection.lines, taskId);
    const sent = lines.filter((line) => line.level === 'info');
    const warning = lines.find((line) => line.level === 'warning');
    const dropped = Number(/^(\d+) log message\(s\) of task \S+ dropped/.exec(String(warning?.data))?.[1]);
    expect(sent.length).toBeLessThan(FLOOD_LINES);
    expect(sent.length + dropped).toBe(FLOOD_LINES);
    expect(sent.map((line) => line.data)).toEqual(sent.map((_, index) => `line ${index}`));
    const large = lines.at(-1)!;
    expect(large).toMatchObject({ level: 'notice', data: expect.stringMatching(/bytes of JSON\)$/) });
    expect(String(large.data).length).toBeLessThan(9 * 1024);
    expect(lines.indexOf(warning!)).toBe(lines.length - 2);
  });
});

describe.runIf(enabled)('task logs over 2025-11-25 HTTP sessions, from a taskmcp worker process', () => {
  const name = uniqueName('task-logs');
  let deployment: FrontAndWorker;
  let connection: Awaited<ReturnType<typeof connect>>;

  beforeAll(async () => {
    deployment = await startFrontAndWorker({
      name,
      workerModule: TASK_LOG_WORKER,
      makeFront: (engine) => createTaskLogServer({ name, engine, sessions: true }),
    });
    connection = await connect(new StreamableHTTPClientTransport(deployment.url));
  });

  afterAll(async () => {
    await connection?.client.close();
    await deployment?.close();
  });

  it("relays the worker's records to the session that created the task, at the level it set", async () => {
    await connection.client.setLoggingLevel('info');
    const { taskId, result } = await connection.runTask('chatty');
    expect(result.structuredContent).toEqual({ pid: deployment.workerPid });
    await eventually(() => of(connection.lines, taskId).length === 2);
    expect(of(connection.lines, taskId)).toEqual([
      {
        level: 'info',
        data: { message: 'step one', data: { rows: 3 } },
        _meta: { [RELATED_TASK_META_KEY]: { taskId } },
      },
      { level: 'warning', data: 'step two', _meta: { [RELATED_TASK_META_KEY]: { taskId } } },
    ]);
  });
});
