/**
 * `TaskMetrics` attached to an engine directly: an engine operation that fails is counted under a label that names
 * the operation, never the task (so the label stays bounded), and the task still ends.
 */
import {
  ComposedTaskEngine,
  MemoryTaskEventBus,
  MemoryTaskQueue,
  MemoryTaskStore,
  TaskMetrics,
  type TaskStore,
} from 'taskmcp';
import { afterEach, expect, it } from 'vitest';
import { eventually } from '../helpers.js';
import { parseMetrics } from './scrape.js';

let engine: ComposedTaskEngine | undefined;
afterEach(async () => {
  await engine?.close();
});

it('counts a failed store write by operation, and the outcome once it is stored', async () => {
  const store = new MemoryTaskStore();
  const update = store.update.bind(store);
  let failures = 1;
  store.update = ((...[taskId, change, likely]: Parameters<TaskStore['update']>) => {
    if (failures-- > 0) return Promise.reject(new Error('the store is unreachable'));
    return update(taskId, change, likely);
  }) as TaskStore['update'];
  engine = new ComposedTaskEngine({
    kind: 'flaky',
    distributed: false,
    store,
    bus: new MemoryTaskEventBus(),
    queue: new MemoryTaskQueue(),
  });
  const metrics = new TaskMetrics();
  await metrics.attach(engine);
  await engine.start({
    runner: async () => ({ type: 'result', result: { content: [{ type: 'text', text: 'ok' }] } }),
  });
  const { taskId } = await engine.create({
    taskId: 'tmetrics0000000000000001',
    toolName: 'report',
    owner: 'owner',
    args: {},
    ttlMs: 60_000,
    pollIntervalMs: 100,
    context: '{}',
  });
  await eventually(async () => (await engine!.get(taskId))?.status === 'completed');
  const scraped = parseMetrics(await metrics.text());
  expect(scraped.all('taskmcp_engine_errors_total')).toEqual({ 'operation=storing the outcome': 1 });
  expect(scraped.all('taskmcp_tasks_ended_total')).toEqual({ 'status=completed,tool=report': 1 });
  expect(scraped.all('taskmcp_tasks_created_total')).toEqual({ 'tool=report': 1 });

  metrics.detach();
  await engine.create({
    taskId: 'tmetrics0000000000000002',
    toolName: 'report',
    owner: 'owner',
    args: {},
    ttlMs: 60_000,
    pollIntervalMs: 100,
    context: '{}',
  });
  expect(parseMetrics(await metrics.text()).all('taskmcp_tasks_created_total')).toEqual({ 'tool=report': 1 });
});
