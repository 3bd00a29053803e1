/**
 * The 2025-11-25 half of the conformance run. The official suite has no scenario for this era's experimental tasks
 * (SEP-1686), so this drives the same running everything-server instance with the official SDK v1 client
 * (`@modelcontextprotocol/sdk` 1.x) and checks the era's wire: capability, taskSupport, CreateTaskResult, tasks/get,
 * blocking tasks/result with related-task _meta, isError → failed, tasks/list, tasks/cancel, status and progress
 * notifications, in-task elicitation, and the -32601/-32602 errors.
 *   tsx conformance/legacy-check.mts http://127.0.0.1:3999/mcp
 */
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CallToolResultSchema,
  CreateTaskResultSchema,
  ElicitRequestSchema,
  type McpError,
  RELATED_TASK_META_KEY,
  TaskStatusNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';

const url = new URL(process.argv[2] ?? 'http://127.0.0.1:3999/mcp');
const client = new Client(
  { name: 'legacy-check', version: '1.0.0' },
  { capabilities: { elicitation: { form: {} } } },
);
const statuses: Array<{ taskId: string; status: string }> = [];
const statusWaiters = new Set<() => void>();
client.setNotificationHandler(TaskStatusNotificationSchema, (n) => {
  statuses.push(n.params);
  for (const wake of statusWaiters) wake();
});
/** A task's statuses once it has a terminal one (or what came within 5 s). With sessions, status notifications ride
 * the session's GET stream, separate from the tasks/result response, so the last may arrive just after the result. */
async function statusesOf(taskId: string): Promise<string[]> {
  const seen = () => statuses.filter((s) => s.taskId === taskId).map((s) => s.status);
  const terminal = () => seen().some((status) => ['completed', 'failed', 'cancelled'].includes(status));
  if (!terminal()) {
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        statusWaiters.delete(wake);
        resolve();
      };
      const wake = () => terminal() && done();
      const timer = setTimeout(done, 5_000);
      statusWaiters.add(wake);
    });
  }
  return seen();
}
/** Every task tasks/list shows the caller, page by page (earlier runs against the same server leave tasks too). */
async function listedTaskIds(): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.experimental.tasks.listTasks(cursor);
    ids.push(...page.tasks.map((t) => t.taskId));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}
client.setRequestHandler(ElicitRequestSchema, (request) => {
  assert.ok(request.params._meta?.[RELATED_TASK_META_KEY], 'elicitation carries the related-task _meta');
  return { action: 'accept', content: { confirm: true } };
});

let checks = 0;
async function check(name: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
    checks++;
  } catch (error) {
    console.error(`legacy check failed: ${name}\n${(error as Error).stack}`);
    process.exitCode = 1;
  }
}
const text = (result: { content?: unknown }) => (result.content as Array<{ text: string }>)[0]?.text;
const tasks = () => client.experimental.tasks;
const createTask = (
  name: string,
  args: Record<string, unknown>,
  onprogress?: (p: { progress: number }) => void,
) =>
  client.request({ method: 'tools/call', params: { name, arguments: args } }, CreateTaskResultSchema, {
    task: { ttl: 60_000 },
    onprogress,
  });
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: McpError) => error.code,
  );

await client.connect(new StreamableHTTPClientTransport(url));

await check('negotiates 2025-11-25 with the tasks capability and taskSupport per tool', async () => {
  assert.equal(client.getServerCapabilities()?.tasks?.requests?.tools?.call !== undefined, true);
  const { tools } = await client.listTools();
  const support = Object.fromEntries(tools.map((tool) => [tool.name, tool.execution?.taskSupport]));
  assert.deepEqual(
    { greet: support.greet, slow_compute: support.slow_compute, failing_job: support.failing_job },
    { greet: 'forbidden', slow_compute: 'optional', failing_job: 'required' },
  );
});

await check('runs a task: CreateTaskResult, progress and status until the result', async () => {
  const progress: number[] = [];
  const { task } = await createTask('slow_compute', { seconds: 2, label: 'legacy' }, (p) =>
    progress.push(p.progress),
  );
  assert.equal(task.status, 'working');
  assert.equal(task.ttl, 60_000);
  const result = await tasks().getTaskResult(task.taskId, CallToolResultSchema);
  assert.equal(text(result), 'Computed legacy after 2 s.');
  assert.deepEqual(result._meta?.[RELATED_TASK_META_KEY], { taskId: task.taskId });
  assert.ok(progress.length >= 1, 'progress arrives with the original token');
  assert.deepEqual(await statusesOf(task.taskId), ['completed']);
  assert.equal((await tasks().getTask(task.taskId)).status, 'completed');
});

await check('a tool error ends the task failed with the result still returned', async () => {
  const { task } = await createTask('failing_job', {});
  const result = await tasks().getTaskResult(task.taskId, CallToolResultSchema);
  assert.equal(result.isError, true);
  assert.equal((await tasks().getTask(task.taskId)).status, 'failed');
  assert.ok((await listedTaskIds()).includes(task.taskId), 'tasks/list shows the caller’s task');
});

await check('tasks/result answers a JSON-RPC failure with the same error', async () => {
  const { task } = await createTask('protocol_error_job', {});
  assert.equal(await codeOf(tasks().getTaskResult(task.taskId, CallToolResultSchema)), -32603);
});

await check('asks for input on the tasks/result stream', async () => {
  for await (const message of tasks().callToolStream(
    { name: 'confirm_delete', arguments: { filename: 'a.txt' } },
    CallToolResultSchema,
    {
      task: { ttl: 60_000 },
    },
  )) {
    if (message.type === 'error') throw message.error;
    if (message.type === 'result') assert.equal(text(message.result), 'Deleted a.txt.');
  }
});

await check('cancels: the task comes back cancelled; a terminal one is -32602', async () => {
  const { task } = await createTask('slow_compute', { seconds: 30 });
  assert.equal((await tasks().cancelTask(task.taskId)).status, 'cancelled');
  assert.equal(await codeOf(tasks().cancelTask(task.taskId)), -32602);
  assert.equal(await codeOf(tasks().getTask('tunknown')), -32602);
  assert.equal(await codeOf(tasks().listTasks('bogus-cursor')), -32602);
});

await check(
  'refuses params.task on a forbidden tool and a plain call to a required one with -32601',
  async () => {
    assert.equal(await codeOf(createTask('greet', { name: 'x' })), -32601);
    const plain = client.request(
      { method: 'tools/call', params: { name: 'failing_job', arguments: {} } },
      CallToolResultSchema,
    );
    assert.equal(await codeOf(plain), -32601);
  },
);

await client.close();
console.log(`Test Results: Passed: ${checks}/7`);
