/**
 * `taskmcp run --no-worker` front ends and `taskmcp worker` processes sharing one Redis: tasks run on the workers,
 * and a worker stopped with SIGTERM hands its running task back to another one.
 */
import { Client, type TaskStatus } from 'taskmcp/client';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers.js';
import { REDIS_URL, requireRedis, TEST_PREFIX, uniqueName } from '../redis.js';
import { CLI_SERVER, cli, type Running, startCli, stopAll } from './cli.js';

const enabled = await requireRedis();
const TERMINAL: TaskStatus[] = ['completed', 'failed', 'cancelled'];

describe.runIf(enabled)('taskmcp worker with Redis', () => {
  const processes: Running[] = [];
  const clients: Client[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await stopAll(processes.splice(0));
  });

  const deployment = () => {
    const env = {
      TASKMCP_TASKS_URL: REDIS_URL,
      TASKMCP_TASKS_PREFIX: TEST_PREFIX,
      CLI_SERVER_NAME: uniqueName('cli'),
    };
    const start = (args: string[]) => {
      const running = startCli(args, env);
      processes.push(running);
      return running;
    };
    return {
      front: async () => {
        const front = start(['run', CLI_SERVER, '--no-worker', '--port', '0', '--drain', '0']);
        return (await front.waitFor(/^(http:\S+)$/m))[1]!;
      },
      worker: async (...args: string[]) => {
        const worker = start(['worker', CLI_SERVER, ...args]);
        const pid = Number((await worker.waitFor(/worker ready .*pid (\d+)/))[1]);
        return { worker, pid };
      },
    };
  };

  it('runs the tasks a front end creates on a worker process', async () => {
    const { front, worker } = deployment();
    const [url, { pid }] = await Promise.all([front(), worker('--concurrency', '2')]);
    const call = await cli(['call', 'steps', 'steps=2', 'stepMs=50', '--server', url]);
    expect(call.code).toBe(0);
    expect(JSON.parse(call.stdout)).toEqual({ done: 2, pid });
  });

  it('exits 0 on SIGTERM and hands its running task back to another worker', async () => {
    const { front, worker } = deployment();
    const [url, first] = await Promise.all([front(), worker('--drain', '0')]);
    const taskId = (
      await cli(['call', 'steps', 'steps=8', 'stepMs=250', '--detach', '--server', url])
    ).stdout.trim();
    expect(taskId).toMatch(/^t[A-Za-z0-9_-]{22}$/);
    const client = await Client.connect(url);
    clients.push(client);
    // Wait until the first (and only) worker runs the task: it reports "Step n" progress. A task that ends before
    // the SIGTERM would make the rest of the test meaningless, so that fails at once rather than at the deadline.
    const running = await eventually(async () => {
      const task = await client.getTask(taskId);
      if (TERMINAL.includes(task.status)) {
        throw new Error(`Task ${taskId} ended ${task.status} before the worker got SIGTERM.`);
      }
      return task.statusMessage?.startsWith('Step ') ? task : undefined;
    }, 30_000);
    expect(running.status).toBe('working');
    first.worker.child.kill('SIGTERM');
    const stopped = await first.worker.exited;
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toContain('SIGTERM: stopping');
    // Handed back, not finished or failed by the stopping worker.
    expect((await client.getTask(taskId)).status).toBe('working');

    const second = await worker();
    const watched = await cli(['tasks', 'watch', taskId, '--server', url]);
    expect(watched.code).toBe(0);
    expect(JSON.parse(watched.stdout)).toEqual({ done: 8, pid: second.pid });
  });
});
