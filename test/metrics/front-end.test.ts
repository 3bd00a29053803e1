/**
 * A front end with `metrics: true` serves its engine's metrics at /metrics beside the MCP endpoint, on every
 * engine: the counts of tasks created and ended by tool and status are exact once the tasks are over.
 */
import { TaskMCP } from 'taskmcp';
import { afterEach, describe, expect, it } from 'vitest';
import { engineCases } from '../engines.js';
import { createTestServer, observations } from '../fixtures/test-server.js';
import { connectHttp, eventually, serveOverHttp } from '../helpers.js';
import { scrape, scrapeUntil, total } from './scrape.js';

const METRICS = [
  'taskmcp_tasks_created_total',
  'taskmcp_tasks_ended_total',
  'taskmcp_queue_depth',
  'taskmcp_queue_wait_seconds',
  'taskmcp_leg_duration_seconds',
  'taskmcp_legs_running',
  'taskmcp_engine_errors_total',
];

describe.each(engineCases)('metrics on a front end ($name engine)', ({ name, engine }) => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of cleanup.splice(0).reverse()) await close();
  });

  const serve = async (server: TaskMCP) => {
    const running = await serveOverHttp(server);
    cleanup.push(running.close);
    const client = await connectHttp(running.url);
    cleanup.push(() => client.close());
    return { client, metrics: new URL('/metrics', running.url) };
  };

  it('counts tasks created and ended by tool and status, legs by tool, and reads the gauges', async () => {
    const server = createTestServer({ engine: engine(), metrics: true });
    const { client, metrics } = await serve(server);

    const before = await scrape(metrics);
    for (const metric of METRICS) expect(before.text).toMatch(new RegExp(`^# HELP ${metric} \\S`, 'm'));
    expect(before.value('taskmcp_queue_depth')).toBe(0);
    expect(before.value('taskmcp_legs_running')).toBe(0);
    expect(before.all('taskmcp_tasks_created_total')).toEqual({});

    expect(await (await client.callToolTask('task_only', { n: 2 })).result()).toMatchObject({
      content: [{ text: 'square: 4' }],
    });
    await (await client.callToolTask('task_only', { n: 3 })).result();
    const faulty = await client.callToolTask('protocol_fault');
    await expect(faulty.result()).rejects.toThrow('backend unavailable');
    const label = `metrics-${name}`;
    const held = await client.callToolTask('wait_for_cancel', { label });
    await eventually(() => observations.get(label)?.includes('started'));
    const running = await scrape(metrics);
    expect(running.value('taskmcp_legs_running')).toBe(1);
    await client.cancelTask(held.id!);

    // The cancelled handler returns after its signal fired: wait for its leg to finish in this process.
    const after = await scrapeUntil(
      metrics,
      (m) => m.value('taskmcp_legs_running') === 0 && total(m, 'taskmcp_leg_duration_seconds_count') === 4,
    );
    expect(after.all('taskmcp_tasks_created_total')).toEqual({
      'tool=task_only': 2,
      'tool=protocol_fault': 1,
      'tool=wait_for_cancel': 1,
    });
    expect(after.all('taskmcp_tasks_ended_total')).toEqual({
      'status=completed,tool=task_only': 2,
      'status=failed,tool=protocol_fault': 1,
      'status=cancelled,tool=wait_for_cancel': 1,
    });
    const legs = { 'tool=task_only': 2, 'tool=protocol_fault': 1, 'tool=wait_for_cancel': 1 };
    expect(after.all('taskmcp_leg_duration_seconds_count')).toEqual(legs);
    expect(after.all('taskmcp_queue_wait_seconds_count')).toEqual(legs);
    expect(after.value('taskmcp_leg_duration_seconds_bucket', { tool: 'task_only', le: '+Inf' })).toBe(2);
    expect(after.value('taskmcp_queue_depth')).toBe(0);
    expect(after.all('taskmcp_engine_errors_total')).toEqual({});
  });

  it('keeps the metrics of two servers in one process apart', async () => {
    const first = await serve(createTestServer({ engine: engine(), metrics: true }));
    const second = await serve(
      createTestServer({ name: 'second', engine: engine(), metrics: { path: '/ops/metrics' } }),
    );
    second.metrics.pathname = '/ops/metrics';
    await (await first.client.callToolTask('task_only', { n: 1 })).result();
    const one = await scrapeUntil(first.metrics, (m) => total(m, 'taskmcp_tasks_ended_total') === 1);
    expect(one.all('taskmcp_tasks_created_total')).toEqual({ 'tool=task_only': 1 });
    const two = await scrape(second.metrics);
    expect(two.all('taskmcp_tasks_created_total')).toEqual({});
    expect((await fetch(new URL('/metrics', second.metrics))).status).toBe(404);
  });
});

describe('enabling metrics', () => {
  it('answers GET only, returns the same metrics when enabled twice, and refuses once the server started', async () => {
    const server = new TaskMCP({ name: 'metrics', version: '1', logger: () => {} });
    const metrics = server.enableMetrics();
    expect(server.enableMetrics()).toBe(metrics);
    await expect(metrics.text()).rejects.toThrow(/once the server .* started/);
    expect((await metrics.handle(new Request('http://127.0.0.1/metrics'))).status).toBe(503);
    await server.start();
    try {
      expect(await metrics.text()).toContain('taskmcp_legs_running 0');
      const post = await metrics.handle(new Request('http://127.0.0.1/metrics', { method: 'POST' }));
      expect(post.status).toBe(405);
      const late = new TaskMCP({ name: 'late', version: '1', logger: () => {} });
      await late.start();
      expect(() => late.enableMetrics()).toThrow('Enable metrics before the server starts.');
      await late.close();
    } finally {
      await server.close();
    }
  });
});
