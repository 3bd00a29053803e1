/**
 * The durability machinery on every engine: the reconciler that keeps the invariant (every task ends, or its leg
 * is queued or running), and bounded shutdown. Orphans are made the way a crash makes them: a record written
 * without its queued leg.
 */
import {
  type ComposedTaskEngine,
  type DurabilityOptions,
  type LegRunner,
  MemoryTaskEngine,
  type TaskQueue,
  type TaskRecord,
  type TaskStore,
} from 'taskmcp';
import { afterEach, describe, expect, it } from 'vitest';
import { deferred, ok, spec } from '../../src/testing/support.js';
import { eventually } from '../helpers.js';
import { redisEngine, requireRedis, uniqueName } from '../redis.js';

const DURABILITY: DurabilityOptions = {
  reconcileIntervalMs: 0,
  livenessMs: 50,
  maxStalledCount: 1,
  shutdownGraceMs: 100,
};

interface Case {
  name: string;
  make(name: string): ComposedTaskEngine;
  /** Whether another engine of the same name shares this one's tasks (another process, on a shared engine). */
  shared: boolean;
}

const cases: Case[] = [
  { name: 'memory', make: () => new MemoryTaskEngine({ durability: DURABILITY }), shared: false },
];
if (await requireRedis()) {
  cases.push({ name: 'redis', make: (name) => redisEngine({ name, durability: DURABILITY }), shared: true });
}

/** The engine's seams, for making the states a crash leaves behind. */
const seams = (engine: ComposedTaskEngine) => engine as unknown as { store: TaskStore; queue: TaskQueue };

let counter = 0;

/** A non-terminal record as a transition would have written it a second ago, already overdue for a check. */
function orphan(overrides: Partial<TaskRecord> = {}): TaskRecord {
  const then = Date.now() - 1_000;
  return {
    taskId: `tdur${process.pid}x${Date.now().toString(36)}x${counter++}`,
    toolName: 'tool',
    owner: 'owner',
    status: 'working',
    createdAt: then,
    lastUpdatedAt: then,
    ttlMs: 60_000,
    pollIntervalMs: 100,
    args: {},
    leg: 1,
    attempt: 1,
    checkAt: then + 50,
    ...overrides,
  };
}

describe.each(cases)('durability: $name engine', ({ make, shared }) => {
  const engines: ComposedTaskEngine[] = [];
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((engine) => engine.close()));
  });

  async function started(runner: LegRunner, name = uniqueName('dur'), concurrency?: number) {
    const engine = make(name);
    engines.push(engine);
    await engine.start({ runner, concurrency });
    return engine;
  }

  const until = (engine: ComposedTaskEngine, taskId: string, status: string) =>
    eventually(async () => {
      const record = await engine.get(taskId);
      return record?.status === status ? record : undefined;
    });

  it('queues again a working task that has nothing queued, and runs it', async () => {
    const engine = await started(async () => ok('ran after all'));
    const lost = orphan();
    await seams(engine).store.insert(lost, '{}');
    await eventually(async () => (await engine.reconcile()).requeued === 1);
    const done = await until(engine, lost.taskId, 'completed');
    expect(done.result).toEqual({ content: [{ type: 'text', text: 'ran after all' }] });
    expect(done.requeues).toBe(1);
  });

  it('fails a task whose leg keeps disappearing, once past the stalled limit', async () => {
    const ran: string[] = [];
    const engine = await started(async (run) => {
      ran.push(run.taskId);
      return ok('x');
    });
    const lost = orphan({ requeues: 1 });
    await seams(engine).store.insert(lost, '{}');
    await eventually(async () => (await engine.reconcile()).failed === 1);
    const failed = await until(engine, lost.taskId, 'failed');
    expect(failed.statusMessage).toMatch(/queued work was lost 2 times/);
    expect(failed.error?.code).toBe(-32603);
    expect(failed.expiresAt).toBe(failed.lastUpdatedAt + failed.ttlMs);
    expect(ran).toEqual([]);
  });

  it('fails an input request that nobody answered within the ttl', async () => {
    const engine = await started(async () => ok('x'));
    const waiting = orphan({
      status: 'input_required',
      ttlMs: 500,
      inputRequests: { k: { method: 'elicitation/create' } },
      inputKeys: { k: 'answer' },
    });
    await seams(engine).store.insert(waiting, '{}');
    await eventually(async () => (await engine.reconcile()).failed === 1);
    const failed = await until(engine, waiting.taskId, 'failed');
    expect(failed.statusMessage).toBe("No answer to the task's input request arrived within 500 ms.");
    expect(failed.inputRequests).toBeUndefined();
  });

  it('leaves a leg that is running alone, and looks again later', async () => {
    const gate = deferred();
    let runs = 0;
    const engine = await started(async () => {
      runs++;
      await gate.promise;
      return ok('finished');
    });
    const { taskId } = await engine.create(spec());
    await eventually(() => runs === 1);
    await seams(engine).store.update(taskId, (current) => ({ ...current, checkAt: Date.now() - 1 }));
    const report = await eventually(async () => {
      const round = await engine.reconcile();
      return round.checked === 1 ? round : undefined;
    });
    expect(report).toEqual({ checked: 1, requeued: 0, failed: 0 });
    const after = await engine.get(taskId);
    expect(after?.status).toBe('working');
    expect(after?.checkAt).toBeGreaterThan(Date.now());
    gate.resolve();
    await until(engine, taskId, 'completed');
    expect(runs).toBe(1);
  });

  it('stores the outcome of a leg whose record was changed elsewhere while it ran, and runs it once', async () => {
    const name = uniqueName('changed');
    const gate = deferred();
    let runs = 0;
    const engine = await started(async () => {
      runs++;
      await gate.promise;
      return ok('kept');
    }, name);
    // On a shared engine, another process's write: this one's store does not know the record changed, so its
    // first write of the outcome conflicts (the one that would also end the leg on the queue).
    let writer = engine;
    if (shared) {
      writer = make(name);
      engines.push(writer);
      await writer.start({ worker: false });
    }
    const { taskId } = await engine.create(spec());
    await eventually(() => runs === 1);
    await seams(writer).store.update(taskId, (current) => ({ ...current, statusMessage: 'noted elsewhere' }));
    gate.resolve();
    const done = await until(engine, taskId, 'completed');
    expect(done.result).toEqual({ content: [{ type: 'text', text: 'kept' }] });
    expect(await seams(engine).queue.holds({ taskId, leg: 1, attempt: 1 })).toBe(false);
    expect(runs).toBe(1);
  });

  it('stops in bounded time: stores what returned, hands back what did not', async () => {
    const name = uniqueName('drain');
    const never = deferred();
    const running = new Set<string>();
    const engine = make(name);
    await engine.start({
      concurrency: 3,
      runner: async (run) => {
        running.add(run.args.kind as string);
        if (run.args.kind === 'quick') {
          await new Promise((resolve) => setTimeout(resolve, 20));
          return ok('quick done');
        }
        if (run.args.kind === 'obedient') {
          await new Promise((_, reject) =>
            run.signal.addEventListener('abort', () => reject(run.signal.reason), { once: true }),
          );
        }
        await never.promise; // 'stubborn' ignores its signal
        return ok('never');
      },
    });
    const create = (kind: string) => engine.create(spec({ args: { kind } }));
    const stubborn = await create('stubborn');
    const obedient = await create('obedient');
    await eventually(() => running.has('stubborn') && running.has('obedient'));
    const quick = await create('quick');
    await eventually(() => running.has('quick'));
    const closing = engine.close({ drainMs: 200 });
    if (engine.distributed) {
      await closing;
      // Another worker of the same server finishes what was handed back.
      const next = await started(async (run) => ok(`second worker ran ${run.args.kind}`), name);
      expect((await until(next, quick.taskId, 'completed')).result?.content).toEqual([
        { type: 'text', text: 'quick done' },
      ]);
      for (const task of [stubborn, obedient]) {
        const done = await until(next, task.taskId, 'completed');
        expect(done.result?.content).toEqual([{ type: 'text', text: `second worker ran ${task.args.kind}` }]);
      }
    } else {
      expect((await until(engine, quick.taskId, 'completed')).result?.content).toEqual([
        { type: 'text', text: 'quick done' },
      ]);
      await closing;
    }
    never.resolve();
  });
});
