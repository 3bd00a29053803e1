/**
 * The contract of a `TaskStore`: durable inserts, atomic updates, copies in and out, the per-owner listing,
 * retention from the end of a task, limits and the reconciler's overdue index.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidCursorError } from '../tasks/listing.js';
import type { TaskStore } from '../tasks/seams.js';
import type { TaskRecord } from '../tasks/types.js';
import { eventually, uniqueId } from './support.js';

/** Register the store contract with vitest. `makeStore` returns a new store for each test; the suite closes it. */
export function describeStoreContract(name: string, makeStore: () => Promise<TaskStore>) {
  describe(`TaskStore contract: ${name}`, () => {
    const stores: TaskStore[] = [];
    afterEach(async () => {
      await Promise.all(stores.splice(0).map((store) => store.close()));
    });
    const open = async () => {
      const store = await makeStore();
      stores.push(store);
      return store;
    };
    const record = (overrides: Partial<TaskRecord> = {}): TaskRecord => ({
      taskId: uniqueId(),
      toolName: 't',
      owner: 'o',
      status: 'working',
      createdAt: Date.now(),
      lastUpdatedAt: Date.now(),
      ttlMs: 60_000,
      pollIntervalMs: 100,
      args: { nested: { list: [1, 2] } },
      leg: 1,
      attempt: 1,
      ...overrides,
    });

    it('round-trips a record and its context', async () => {
      const store = await open();
      const value = record();
      await store.insert(value, 'ctx');
      expect(await store.get(value.taskId)).toEqual(value);
      expect(await store.load(value.taskId)).toEqual({ record: value, context: 'ctx' });
      expect(await store.load('tmissing')).toBeNull();
    });

    it('refuses to insert the same id twice', async () => {
      const store = await open();
      const value = record();
      await store.insert(value, 'ctx');
      await expect(store.insert(value, 'other')).rejects.toThrow(/already exists/);
    });

    it('keeps what it stores out of reach: changing a record given or read changes nothing stored', async () => {
      const store = await open();
      const value = record();
      await store.insert(value, 'ctx');
      (value.args.nested as { list: number[] }).list.push(4);
      const read = await store.get(value.taskId);
      // A copy may be changed; a record the store shares is frozen, so changing it throws.
      try {
        (read!.args.nested as { list: number[] }).list.push(3);
      } catch (error) {
        expect(error).toBeInstanceOf(TypeError);
      }
      expect((await store.get(value.taskId))?.args).toEqual({ nested: { list: [1, 2] } });
    });

    it('updates atomically: concurrent increments are never lost', async () => {
      const store = await open();
      const value = record({ attempt: 0 });
      await store.insert(value, 'ctx');
      await Promise.all(
        Array.from({ length: 20 }, () =>
          store.update(value.taskId, (current) => ({ ...current, attempt: current.attempt + 1 })),
        ),
      );
      expect((await store.get(value.taskId))?.attempt).toBe(20);
    });

    it('applies a change to the stored record, not to a stale likely one', async () => {
      const store = await open();
      const value = record({ attempt: 0 });
      await store.insert(value, 'ctx');
      await store.update(value.taskId, (current) => ({ ...current, attempt: 5 }));
      const bumped = await store.update(
        value.taskId,
        (current) => ({ ...current, attempt: current.attempt + 1 }),
        value,
      );
      expect(bumped?.record.attempt).toBe(6);
      expect((await store.get(value.taskId))?.attempt).toBe(6);
      // A stale hint whose change would do nothing must not hide the stored state either.
      const unchanged = await store.update(
        value.taskId,
        (current) => (current.attempt === 0 ? { ...current } : undefined),
        value,
      );
      expect(unchanged).toEqual({ record: { ...value, attempt: 6 }, changed: false });
    });

    it('leaves the record alone when the change returns undefined', async () => {
      const store = await open();
      const value = record();
      await store.insert(value, 'ctx');
      expect(await store.update(value.taskId, () => undefined)).toEqual({ record: value, changed: false });
      expect(await store.update('tmissing', (current) => current)).toBeNull();
    });

    it('lists one owner’s tasks page by page, by creation, each exactly once, and nobody else’s', async () => {
      const store = await open();
      const now = Date.now();
      const mine = [50, 10, 30, 20, 40].map((ago) =>
        record({ owner: 'lister', createdAt: now - ago, lastUpdatedAt: now }),
      );
      for (const value of [...mine, record({ owner: 'someone else' }), record({ owner: 'someone else' })]) {
        await store.insert(value, 'ctx');
      }
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listByOwner('lister', { cursor, limit: 2 });
        pages.push(page.records.map((listed) => listed.taskId));
        cursor = page.nextCursor;
      } while (cursor);
      const byCreation = [...mine].sort((a, b) => a.createdAt - b.createdAt).map((value) => value.taskId);
      expect(pages).toEqual([byCreation.slice(0, 2), byCreation.slice(2, 4), byCreation.slice(4)]);
      expect((await store.listByOwner('lister', { limit: 10 })).records[0]).toEqual(
        mine.find((value) => value.createdAt === now - 50),
      );
      expect(await store.listByOwner('nobody', { limit: 10 })).toEqual({ records: [] });
    });

    it('leaves expired tasks out of the listing', async () => {
      const store = await open();
      const brief = record({ owner: 'expiring', ttlMs: 100 });
      const lasting = record({ owner: 'expiring' });
      await store.insert(brief, 'ctx');
      await store.insert(lasting, 'ctx');
      expect((await store.listByOwner('expiring', { limit: 10 })).records).toHaveLength(2);
      await store.update(brief.taskId, (current) => ended(current, 100));
      await eventually(async () => {
        const page = await store.listByOwner('expiring', { limit: 10 });
        return page.records.length === 1 && page.records[0]!.taskId === lasting.taskId;
      });
    });

    it('rejects a cursor it did not hand out with -32602', async () => {
      const store = await open();
      for (const cursor of ['not-a-cursor', Buffer.from('[1]').toString('base64url'), '']) {
        const failure = await store.listByOwner('o', { cursor, limit: 2 }).catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(InvalidCursorError);
        expect(failure).toMatchObject({ code: -32602 });
      }
    });

    it('never expires a record that has not ended, whatever its ttl', async () => {
      const store = await open();
      const value = record({ ttlMs: 50 });
      await store.insert(value, 'ctx');
      await eventually(() => Date.now() > value.createdAt + 200);
      expect(await store.load(value.taskId)).toEqual({ record: value, context: 'ctx' });
    });

    it('drops the context when the task ends, and the record at its expiresAt', async () => {
      const store = await open();
      const value = record({ ttlMs: 150 });
      await store.insert(value, 'ctx');
      const { record: terminal } = (await store.update(value.taskId, (current) => ended(current, 150)))!;
      expect(await store.load(value.taskId)).toEqual({ record: terminal, context: null });
      await eventually(async () => (await store.get(value.taskId)) === null);
      expect(await store.load(value.taskId)).toBeNull();
      expect(await store.update(value.taskId, (current) => current)).toBeNull();
    });

    it('refuses inserts past its limits', async () => {
      const store = await open();
      const owner = `capped-${uniqueId()}`;
      await store.insert(record({ owner }), 'ctx', { perOwner: 1 });
      const refused = record({ owner });
      await expect(store.insert(refused, 'ctx', { perOwner: 1 })).rejects.toMatchObject({
        limit: 'perOwner',
      });
      expect(await store.get(refused.taskId)).toBeNull();
      await store.insert(record({ owner: `${owner}-2` }), 'ctx', { perOwner: 1 });
    });

    it('lists overdue non-terminal tasks for the reconciler, most overdue first', async () => {
      const store = await open();
      const now = Date.now();
      const later = record({ checkAt: now - 10 });
      const first = record({ checkAt: now - 1_000 });
      const notYet = record({ checkAt: now + 60_000 });
      const waiting = record({ status: 'input_required', checkAt: now - 100 });
      for (const value of [later, first, notYet, waiting]) await store.insert(value, 'ctx');
      const finished = record({ checkAt: now - 500 });
      await store.insert(finished, 'ctx');
      await store.update(finished.taskId, (current) => ended(current, 60_000));
      const due = await store.dueForCheck(now, 10);
      expect(due).toEqual([first.taskId, waiting.taskId, later.taskId]);
    });
  });
}

/** The record as it ends now, kept for `ttlMs` more. */
function ended(current: TaskRecord, ttlMs: number): TaskRecord {
  const now = Date.now();
  return { ...current, status: 'completed', lastUpdatedAt: now, expiresAt: now + ttlMs, checkAt: undefined };
}
