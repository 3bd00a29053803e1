/**
 * taskmcp under test: a sync `echo` tool (always foreground), `noop_task` (a task when the client declares the
 * tasks extension) and `instant_task` (the same with `task.immediateResultMs: 0`), all returning the same small
 * result as every baseline server. Engine from `BENCH_ENGINE`:
 * `memory` (default) or a `redis://` URL (the bench's own Redis database). `BENCH_SESSIONS=1` serves 2025-11-25 with
 * sessions (one long-lived SDK server per session, as FastMCP and SDK v1 do) instead of statelessly.
 */
import { type TaskEngine, TaskMCP } from 'taskmcp';
import { RedisTaskEngine } from 'taskmcp/redis';
import { z } from 'zod';
import { announce } from './ipc.js';

const engineSetting = process.env.BENCH_ENGINE ?? 'memory';
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 10);
const engine: TaskEngine | string =
  engineSetting === 'memory'
    ? 'memory://'
    : new RedisTaskEngine({ url: engineSetting, name: 'bench', concurrency });

const server = new TaskMCP({
  name: 'bench',
  version: '1.0.0',
  logger: () => {},
  sessions: process.env.BENCH_SESSIONS === '1',
  // A bench run retains far more tasks (all anonymous) than the per-principal default allows: lift the caps.
  tasks: { engine, concurrency, maxTasksPerPrincipal: 10_000_000, maxTasks: 10_000_000 },
});

const Text = z.object({ text: z.string() });

server.tool({ name: 'echo', description: 'Echo the text back.', input: Text }, async ({ text }) => ({
  content: [{ type: 'text', text }],
}));

server.tool(
  { name: 'noop_task', description: 'Echo the text back, as a task.', input: Text, task: true },
  async ({ text }) => ({ content: [{ type: 'text', text }] }),
);

// The same, answered with its outcome when the task is done by the end of the event-loop turn that created it: as
// SDK v1's tool, which stores its result before its `createTask` answers.
server.tool(
  {
    name: 'instant_task',
    description: 'Echo the text back, as a task answered at once when done.',
    input: Text,
    task: { mode: 'optional', immediateResultMs: 0 },
  },
  async ({ text }) => ({ content: [{ type: 'text', text }] }),
);

const running = await server.run({ transport: 'http', port: 0 });
announce({ url: running.url!.href }, () => server.close());
