/**
 * The parts of the engine contract that look at tasks from outside a leg: watching one task or all of them,
 * observers, limits, and listing (by owner, and the operators' most-recent view).
 */
import { expect, it } from 'vitest';
import type { TaskEngine } from '../tasks/engine.js';
import { TaskLimitError } from '../tasks/seams.js';
import type { LegRunner, TaskRecord } from '../tasks/types.js';
import { deferred, eventually, ok, spec, uniqueId } from './support.js';

/** Register these cases inside `describeEngineContract`, with its way of starting an engine. */
export function describeEngineViews(
  started: (runner: LegRunner, options?: { concurrency?: number }) => Promise<TaskEngine>,
): void {
  it('notifies watchers of each change, in order, up to the terminal status', async () => {
    const gate = deferred();
    const engine = await started(async (run) => {
      await gate.promise;
      await run.reportProgress(1, 2);
      return ok('x');
    });
    const { taskId } = await engine.create(spec());
    const seen: TaskRecord[] = [];
    const stop = await engine.watch(taskId, (record) => seen.push(record));
    gate.resolve();
    await eventually(() => seen.some((record) => record.status === 'completed'));
    stop();
    // Each change was announced: the progress report, then the result (a re-read may show a later state, never
    // an earlier one, so the sequence only moves forward).
    const firstTerminal = seen.findIndex((record) => record.status === 'completed');
    expect(seen.slice(firstTerminal).every((record) => record.status === 'completed')).toBe(true);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen[0]?.progress).toEqual({ progress: 1, total: 2 });
    expect(seen.at(-1)?.result).toEqual({ content: [{ type: 'text', text: 'x' }] });
    const stamps = seen.map((record) => record.lastUpdatedAt);
    expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
  });

  it('refuses a task past the per-owner or total limit, with nothing created', async () => {
    const engine = await started(async () => ({
      type: 'input_required',
      inputRequests: { a: { method: 'roots/list' } },
    }));
    const owner = `limited-${uniqueId()}`;
    await engine.create(spec({ owner }), { perOwner: 2 });
    await engine.create(spec({ owner }), { perOwner: 2 });
    const refused = spec({ owner });
    await expect(engine.create(refused, { perOwner: 2 })).rejects.toBeInstanceOf(TaskLimitError);
    expect(await engine.get(refused.taskId)).toBeNull();
    expect((await engine.list(owner, { limit: 10 })).records).toHaveLength(2);
    // another owner is not affected by this owner's limit, but is by the total
    await engine.create(spec({ owner: `${owner}-other` }), { perOwner: 2 });
    await expect(engine.create(spec({ owner: `${owner}-third` }), { total: 3 })).rejects.toMatchObject({
      limit: 'total',
      max: 3,
    });
  });

  it('lists the most recent tasks of every principal, newest first, filtered by owner, status and tool', async () => {
    const engine = await started(async (run) =>
      run.toolName === 'waits'
        ? { type: 'input_required', inputRequests: { a: { method: 'roots/list' } } }
        : ok('x'),
    );
    const tag = uniqueId();
    const first = await engine.create(spec({ owner: `${tag}-a`, toolName: 'done' }));
    const second = await engine.create(spec({ owner: `${tag}-b`, toolName: 'waits' }));
    await eventually(async () => (await engine.get(first.taskId))?.status === 'completed');
    await eventually(async () => (await engine.get(second.taskId))?.status === 'input_required');
    const mine = (records: TaskRecord[]) => records.filter((record) => record.owner.startsWith(tag));
    expect(mine(await engine.listRecent({ limit: 1000 })).map((record) => record.taskId)).toEqual(
      [second, first].map((record) => record.taskId),
    );
    expect((await engine.listRecent({ limit: 10, owner: `${tag}-a` })).map((r) => r.taskId)).toEqual([
      first.taskId,
    ]);
    expect(mine(await engine.listRecent({ limit: 1000, status: 'input_required' }))).toHaveLength(1);
    expect(mine(await engine.listRecent({ limit: 1000, toolName: 'done' }))[0]?.taskId).toBe(first.taskId);
  });

  it('tells watchAll listeners and observers about every task it works on', async () => {
    const engine = await started(async () => ok('x'));
    const seen: TaskRecord[] = [];
    const events: string[] = [];
    const stop = await engine.watchAll((record) => seen.push(record));
    const unobserve = engine.observe({
      created: (record) => events.push(`created ${record.taskId}`),
      legStarted: (record, waitedMs) => events.push(`started ${record.taskId} ${waitedMs >= 0}`),
      legFinished: (record, durationMs) => events.push(`finished ${record.taskId} ${durationMs >= 0}`),
      ended: (record) => events.push(`ended ${record.taskId} ${record.status}`),
    });
    const { taskId } = await engine.create(spec());
    await eventually(() => seen.some((record) => record.taskId === taskId && record.status === 'completed'));
    await eventually(() => events.length === 4);
    // The leg may start before create() returns (in one process); the leg's own events are in order.
    expect(events).toContain(`created ${taskId}`);
    expect(events.filter((event) => !event.startsWith('created'))).toEqual([
      `started ${taskId} true`,
      `finished ${taskId} true`,
      `ended ${taskId} completed`,
    ]);
    expect(engine.runningLegs).toBe(0);
    expect(await engine.queueDepth()).toBeGreaterThanOrEqual(0);
    stop();
    unobserve();
  });

  it('lists the tasks of one owner only', async () => {
    const engine = await started(async () => ok('x'));
    const owner = `owner-${uniqueId()}`;
    const created = [];
    for (let i = 0; i < 3; i++) created.push((await engine.create(spec({ owner }))).taskId);
    await engine.create(spec({ owner: `${owner}-other` }));
    const first = await engine.list(owner, { limit: 2 });
    expect(first.records).toHaveLength(2);
    const second = await engine.list(owner, { cursor: first.nextCursor, limit: 2 });
    expect(second.nextCursor).toBeUndefined();
    const listed = [...first.records, ...second.records].map((record) => record.taskId);
    expect(listed.sort()).toEqual(created.sort());
  });
}
