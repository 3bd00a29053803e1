/**
 * Metrics of a distributed deployment, each process its own: a `taskmcp run --no-worker --metrics` front end counts
 * the tasks it creates and cancels; a `taskmcp worker --metrics-port` process counts the legs it runs, shows them
 * in its running gauge while they run, and the tasks it settles.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { scrape, scrapeUntil } from '../metrics/scrape.js';
import { REDIS_URL, requireRedis, TEST_PREFIX, uniqueName } from '../redis.js';
import { CLI_SERVER, cli, type Running, startCli, stopAll } from './cli.js';

const enabled = await requireRedis();

describe.runIf(enabled)('metrics of taskmcp run and taskmcp worker on Redis', () => {
  const processes: Running[] = [];
  afterEach(async () => {
    await stopAll(processes.splice(0));
  });

  it('front end and worker each report what they did', async () => {
    const env = {
      TASKMCP_TASKS_URL: REDIS_URL,
      TASKMCP_TASKS_PREFIX: TEST_PREFIX,
      CLI_SERVER_NAME: uniqueName('metrics'),
    };
    const start = (args: string[]) => {
      const running = startCli(args, env);
      processes.push(running);
      return running;
    };
    const front = start(['run', CLI_SERVER, '--no-worker', '--metrics', '--port', '0', '--drain', '0']);
    // --metrics-host: another loopback address (Linux routes all of 127/8 to lo), to see the option reach the listener.
    const worker = start([
      'worker',
      CLI_SERVER,
      '--metrics-port',
      '0',
      '--metrics-host',
      '127.0.0.2',
      '--drain',
      '0',
    ]);
    const [url, workerMetrics] = await Promise.all([
      front.waitFor(/^(http:\S+)$/m).then((match) => match[1]!),
      worker.waitFor(/metrics on (http:\S+)/).then((match) => match[1]!),
    ]);
    expect(new URL(workerMetrics).hostname).toBe('127.0.0.2');
    await worker.waitFor(/worker ready/);
    const frontMetrics = new URL('/metrics', url);

    const call = await cli(['call', 'steps', 'steps=2', 'stepMs=10', '--server', url]);
    expect(call.code).toBe(0);
    const taskId = (await cli(['call', 'hold', '--detach', '--server', url])).stdout.trim();
    expect(taskId).toMatch(/^t[A-Za-z0-9_-]{22}$/);
    // The worker's gauge shows the held leg while it runs.
    await scrapeUntil(workerMetrics, (m) => m.value('taskmcp_legs_running') === 1);
    expect((await cli(['tasks', 'cancel', taskId, '--server', url])).code).toBe(0);

    const legs = { 'tool=steps': 1, 'tool=hold': 1 };
    const ran = await scrapeUntil(
      workerMetrics,
      (m) =>
        m.value('taskmcp_legs_running') === 0 &&
        m.value('taskmcp_leg_duration_seconds_count', { tool: 'hold' }) === 1,
    );
    expect(ran.all('taskmcp_leg_duration_seconds_count')).toEqual(legs);
    expect(ran.all('taskmcp_queue_wait_seconds_count')).toEqual(legs);
    // The worker settled the completed task; the front end cancelled the other.
    expect(ran.all('taskmcp_tasks_ended_total')).toEqual({ 'status=completed,tool=steps': 1 });
    expect(ran.all('taskmcp_tasks_created_total')).toEqual({});
    expect(ran.value('taskmcp_queue_depth')).toBe(0);

    const served = await scrape(frontMetrics);
    expect(served.all('taskmcp_tasks_created_total')).toEqual(legs);
    expect(served.all('taskmcp_tasks_ended_total')).toEqual({ 'status=cancelled,tool=hold': 1 });
    expect(served.all('taskmcp_leg_duration_seconds_count')).toEqual({});
    expect(served.value('taskmcp_legs_running')).toBe(0);

    worker.child.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);
    await expect(fetch(workerMetrics)).rejects.toThrow();
  }, 60_000);

  it('refuses --metrics over stdio', async () => {
    const refused = await cli(['run', CLI_SERVER, '--transport', 'stdio', '--metrics']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--metrics is served over HTTP');
  });
});
