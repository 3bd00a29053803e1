/**
 * The contract of a whole task engine (`TaskEngine`): durable creation, running legs with their stored arguments,
 * cancellation, input rounds, retries, timeouts, progress and retention (watching, limits and listing are in
 * engine-views.ts). A composed
 * engine passes it when its store, bus and queue pass theirs; a hand-written engine runs it directly.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskEngine } from '../tasks/engine.js';
import { retentionFromCreation } from '../tasks/transitions.js';
import type { LegRun, LegRunner } from '../tasks/types.js';
import { describeEngineViews } from './engine-views.js';
import { deferred, eventually, ok, spec } from './support.js';

/**
 * Register the engine contract with vitest. `makeEngine` returns a new, not yet started engine for each test (the
 * suite starts it with its own runner and closes it afterwards); engines made for one run may share a backend, but
 * must not see each other's legs.
 */
export function describeEngineContract(
  name: string,
  makeEngine: (options: { concurrency?: number }) => Promise<TaskEngine>,
) {
  describe(`TaskEngine contract: ${name}`, () => {
    const engines: TaskEngine[] = [];
    afterEach(async () => {
      await Promise.all(engines.splice(0).map((engine) => engine.close()));
    });

    async function started(runner: LegRunner, options: { concurrency?: number } = {}) {
      const engine = await makeEngine(options);
      engines.push(engine);
      await engine.start({ runner });
      return engine;
    }

    it('creates durably: the record is readable as soon as create resolves', async () => {
      const gate = deferred();
      const engine = await started(async () => {
        await gate.promise;
        return ok('x');
      });
      const record = await engine.create(spec({ args: { a: 1 } }));
      expect(record).toMatchObject({ status: 'working', leg: 1, attempt: 1, args: { a: 1 } });
      expect(await engine.get(record.taskId)).toMatchObject({
        taskId: record.taskId,
        status: 'working',
        owner: 'owner',
      });
      gate.resolve();
    });

    it('runs the leg with the stored arguments and context, then completes with the result', async () => {
      const runs: LegRun[] = [];
      const engine = await started(async (run) => {
        runs.push(run);
        return ok(`got ${JSON.stringify(run.args)}`);
      });
      const { taskId } = await engine.create(spec({ args: { value: 7 }, context: '{"v":1,"x":2}' }));
      const done = await eventually(async () => {
        const record = await engine.get(taskId);
        return record?.status === 'completed' ? record : undefined;
      });
      expect(done.result).toEqual({ content: [{ type: 'text', text: 'got {"value":7}' }] });
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({
        taskId,
        args: { value: 7 },
        leg: 1,
        attempt: 1,
        maxAttempts: 1,
        context: '{"v":1,"x":2}',
      });
      expect(done.lastUpdatedAt).toBeGreaterThanOrEqual(done.createdAt);
    });

    it('fails with the JSON-RPC error of an error outcome', async () => {
      const engine = await started(async () => ({
        type: 'error',
        error: { code: -32000, message: 'nope', data: { a: 1 } },
      }));
      const { taskId } = await engine.create(spec());
      const failed = await eventually(async () =>
        (await engine.get(taskId))?.status === 'failed' ? engine.get(taskId) : undefined,
      );
      expect(failed).toMatchObject({
        error: { code: -32000, message: 'nope', data: { a: 1 } },
        statusMessage: 'nope',
      });
      expect(failed?.result).toBeUndefined();
    });

    it('cancels a running leg: its signal fires with the cancel reason and the late outcome is ignored', async () => {
      const started$ = deferred();
      const reasons: unknown[] = [];
      const engine = await started(async (run) => {
        started$.resolve();
        await new Promise<void>((resolve) =>
          run.signal.addEventListener('abort', () => resolve(), { once: true }),
        );
        reasons.push(run.signal.reason);
        return ok('finished anyway');
      });
      const { taskId } = await engine.create(spec());
      await started$.promise;
      const cancelled = await engine.cancel(taskId);
      expect(cancelled?.status).toBe('cancelled');
      await eventually(() => reasons.length === 1);
      expect(reasons[0]).toMatchObject({ kind: 'cancelled' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await engine.get(taskId))?.status).toBe('cancelled');
      expect((await engine.cancel(taskId))?.status).toBe('cancelled');
    });

    it('never runs a leg that was cancelled while queued', async () => {
      const gate = deferred();
      const ran: string[] = [];
      const engine = await started(
        async (run) => {
          ran.push(run.taskId);
          await gate.promise;
          return ok('x');
        },
        { concurrency: 1 },
      );
      const first = await engine.create(spec());
      await eventually(() => ran.length === 1);
      const second = await engine.create(spec());
      await engine.cancel(second.taskId);
      gate.resolve();
      await eventually(async () => (await engine.get(first.taskId))?.status === 'completed');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(ran).toEqual([first.taskId]);
      expect((await engine.get(second.taskId))?.status).toBe('cancelled');
    });

    it('never exceeds its concurrency', async () => {
      let active = 0;
      let peak = 0;
      const engine = await started(
        async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((resolve) => setTimeout(resolve, 30));
          active--;
          return ok('x');
        },
        { concurrency: 2 },
      );
      const ids = await Promise.all(
        Array.from({ length: 6 }, () => engine.create(spec()).then((r) => r.taskId)),
      );
      await eventually(async () =>
        (await Promise.all(ids.map((id) => engine.get(id)))).every((r) => r?.status === 'completed'),
      );
      expect(peak).toBe(2);
    });

    it('waits for input without holding a slot, accepts partial answers, and resumes in a new leg', async () => {
      const runs: LegRun[] = [];
      const engine = await started(
        async (run) => {
          runs.push(run);
          if (run.leg === 1) {
            return {
              type: 'input_required',
              inputRequests: {
                a: { method: 'elicitation/create', params: { message: 'A?' } },
                b: { method: 'elicitation/create' },
              },
              requestState: 'state-1',
            };
          }
          return ok(`answers ${JSON.stringify(run.inputResponses)} state ${run.requestState}`);
        },
        { concurrency: 1 },
      );
      const { taskId } = await engine.create(spec());
      const waiting = await eventually(async () => {
        const record = await engine.get(taskId);
        return record?.status === 'input_required' ? record : undefined;
      });
      const keys = Object.keys(waiting.inputRequests ?? {});
      expect(keys).toHaveLength(2);
      expect(keys).not.toContain('a');
      const keyA = keys.find((key) => waiting.inputRequests?.[key]?.params?.message === 'A?')!;
      const keyB = keys.find((key) => key !== keyA)!;

      // the slot is free while waiting: another task runs to completion meanwhile
      const other = await engine.create(spec());
      await eventually(async () => (await engine.get(other.taskId))?.status === 'input_required');

      const partial = await engine.answer(taskId, {
        [keyA]: { action: 'accept' },
        unknown: { action: 'decline' },
      });
      expect(partial?.status).toBe('input_required');
      expect(Object.keys(partial?.inputRequests ?? {})).toEqual([keyB]);
      expect(await engine.answer(taskId, { [keyA]: { action: 'cancel' } })).toMatchObject({
        status: 'input_required',
      });
      await engine.answer(taskId, { [keyB]: { action: 'decline' } });
      const done = await eventually(async () => {
        const record = await engine.get(taskId);
        return record?.status === 'completed' ? record : undefined;
      });
      expect(done.leg).toBe(2);
      expect(done.result?.content).toEqual([
        { type: 'text', text: 'answers {"a":{"action":"accept"},"b":{"action":"decline"}} state state-1' },
      ]);
    });

    it('retries thrown legs with backoff, then completes with the last isError result', async () => {
      const attempts: number[] = [];
      const engine = await started(async (run) => {
        attempts.push(run.attempt);
        return {
          type: 'thrown',
          message: `boom ${run.attempt}`,
          result: { content: [{ type: 'text', text: `boom ${run.attempt}` }], isError: true },
        };
      });
      const { taskId } = await engine.create(
        spec({ retry: { attempts: 3, backoff: { type: 'exponential', delayMs: 10 } } }),
      );
      const done = await eventually(async () => {
        const record = await engine.get(taskId);
        return record?.status === 'completed' ? record : undefined;
      });
      expect(attempts).toEqual([1, 2, 3]);
      expect(done.result).toEqual({ content: [{ type: 'text', text: 'boom 3' }], isError: true });
    });

    it('runs a continuation as a new leg with its state, keeping the retry budget for real failures', async () => {
      const runs: Array<Pick<LegRun, 'leg' | 'attempt' | 'requestState'>> = [];
      const engine = await started(async ({ leg, attempt, requestState }) => {
        runs.push({ leg, attempt, requestState });
        if (leg < 4)
          return { type: 'continue', requestState: `after ${leg}`, delayMs: 0, statusMessage: 'Waiting' };
        if (attempt === 1) {
          return { type: 'thrown', message: 'flaky', result: { content: [], isError: true } };
        }
        return ok(`done in leg ${leg}`);
      });
      const { taskId } = await engine.create(spec({ retry: { attempts: 2 } }));
      const done = await eventually(async () => {
        const record = await engine.get(taskId);
        return record?.status === 'completed' ? record : undefined;
      });
      expect(runs).toEqual([
        { leg: 1, attempt: 1, requestState: undefined },
        { leg: 2, attempt: 1, requestState: 'after 1' },
        { leg: 3, attempt: 1, requestState: 'after 2' },
        { leg: 4, attempt: 1, requestState: 'after 3' },
        { leg: 4, attempt: 2, requestState: 'after 3' },
      ]);
      expect(done.result).toEqual({ content: [{ type: 'text', text: 'done in leg 4' }] });
    });

    it('ends a task cancelled when its leg says it was cancelled, running no more legs', async () => {
      const legs: number[] = [];
      const engine = await started(async ({ leg }) => {
        legs.push(leg);
        if (leg === 1) return { type: 'continue', requestState: 'look again', delayMs: 0 };
        return { type: 'cancelled', statusMessage: 'The work was cancelled elsewhere.' };
      });
      const { taskId } = await engine.create(spec());
      const done = await eventually(async () => {
        const record = await engine.get(taskId);
        return record?.status === 'cancelled' ? record : undefined;
      });
      expect(done.statusMessage).toBe('The work was cancelled elsewhere.');
      expect(done.result).toBeUndefined();
      expect(done.error).toBeUndefined();
      expect(legs).toEqual([1, 2]);
    });

    it('treats a runner that throws like a thrown handler', async () => {
      const engine = await started(async () => {
        throw new Error('runner exploded');
      });
      const { taskId } = await engine.create(spec());
      const done = await eventually(async () => {
        const record = await engine.get(taskId);
        return record?.status === 'completed' ? record : undefined;
      });
      expect(done.result).toMatchObject({ isError: true, content: [{ text: 'runner exploded' }] });
    });

    it('times out a leg: the signal fires and the task fails with -32001 at once', async () => {
      const reasons: unknown[] = [];
      const engine = await started(async (run) => {
        await new Promise<void>((resolve) =>
          run.signal.addEventListener('abort', () => resolve(), { once: true }),
        );
        reasons.push(run.signal.reason);
        await new Promise((resolve) => setTimeout(resolve, 50));
        return ok('too late');
      });
      const { taskId } = await engine.create(spec({ timeoutMs: 30 }));
      const failed = await eventually(async () => {
        const record = await engine.get(taskId);
        return record?.status === 'failed' ? record : undefined;
      });
      expect(failed.error).toEqual({ code: -32001, message: 'The task timed out after 30 ms.' });
      expect(reasons[0]).toMatchObject({ kind: 'timeout' });
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect((await engine.get(taskId))?.status).toBe('failed');
    });

    it('records progress as the status message', async () => {
      const gate = deferred();
      const engine = await started(async (run) => {
        await run.reportProgress(2, 5, 'crunching');
        await gate.promise;
        return ok('x');
      });
      const { taskId } = await engine.create(spec());
      const record = await eventually(async () => {
        const current = await engine.get(taskId);
        return current?.statusMessage ? current : undefined;
      });
      expect(record).toMatchObject({
        statusMessage: 'crunching (2/5)',
        progress: { progress: 2, total: 5, message: 'crunching' },
      });
      gate.resolve();
    });

    it('keeps a task past its ttl while it runs, then for ttlMs after it ends', async () => {
      const gate = deferred();
      const engine = await started(async () => {
        await gate.promise;
        return ok('late but kept');
      });
      const created = await engine.create(spec({ ttlMs: 100 }));
      // The ttl has passed since creation, and the task is still running: it must still be there.
      await eventually(() => Date.now() > created.createdAt + 300);
      expect(await engine.get(created.taskId)).toMatchObject({ status: 'working' });
      gate.resolve();
      const done = await eventually(async () => {
        const record = await engine.get(created.taskId);
        return record?.status === 'completed' ? record : undefined;
      });
      expect(done.result).toEqual({ content: [{ type: 'text', text: 'late but kept' }] });
      expect(done.expiresAt).toBe(done.lastUpdatedAt + 100);
      expect(retentionFromCreation(done)).toBe(done.expiresAt! - done.createdAt);
      await eventually(async () => (await engine.get(created.taskId)) === null);
      expect(await engine.cancel(created.taskId)).toBeNull();
      expect(await engine.answer(created.taskId, {})).toBeNull();
    });

    describeEngineViews(started);

    it('answers unknown ids with null', async () => {
      const engine = await started(async () => ok('x'));
      expect(await engine.get('tnope')).toBeNull();
      expect(await engine.cancel('tnope')).toBeNull();
      expect(await engine.answer('tnope', { a: 1 })).toBeNull();
    });
  });
}
