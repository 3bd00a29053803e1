/**
 * Scenario 2: one task whose worker is killed every time it runs it, more often than `maxStalledCount`. Past
 * that limit the engine must give up on the task and say so: the task ends `failed` with a status message a
 * user can act on, instead of staying `working` forever (the queue gave up, but nobody told the record). The
 * task's handler would take ten minutes, so only the engine's verdict can end it within the deadline.
 */
import { Journal } from '../lib/journal.js';
import { isTerminal } from '../lib/mcp.js';
import { type Child, startFrontEnd, startWorker } from '../lib/processes.js';
import type { Expectation, Scenario } from '../lib/scenario.js';
import { tally } from '../lib/scenario.js';
import { describeTask, TaskBook } from '../lib/tasks.js';
import { until } from '../lib/wait.js';

const LEASE_MS = 1_000;
const MAX_STALLED = 1;
/** Long enough that the task can only end because the engine ends it. */
const HANDLER_MS = 600_000;

export const stalledLimit: Scenario = {
  id: 'stalled-limit',
  title: '2. stalled limit',
  budgetMs: (quick) => (quick ? 60_000 : 90_000),
  async run(ctx) {
    const restartWaitMs = ctx.quick ? 15_000 : 20_000;
    const verdictWaitMs = ctx.quick ? 15_000 : 30_000;
    const deployment = ctx.deployment('stalled', { leaseMs: LEASE_MS, maxStalledCount: MAX_STALLED });
    const start = () => startWorker(deployment, { concurrency: 1, drainMs: 0 });
    const [front, firstWorker] = await Promise.all([startFrontEnd(deployment), start()]);
    let worker: Child = firstWorker;
    const journal = new Journal(ctx.db, deployment.name);
    const book = new TaskBook('stalled');
    const task = await book.create(front.url!, book.plan('digest', HANDLER_MS));
    if (!task.taskId) throw new Error(`Could not create the task: ${task.createError}`);

    // Kill the worker each time it has started the task, one time more than the limit allows.
    const killsNeeded = MAX_STALLED + 1;
    let kills = 0;
    let lastKillAt = 0;
    let notRestarted = false;
    while (kills < killsNeeded && !ctx.signal.aborted) {
      const runningHere = await until(
        async () => {
          await journal.refresh();
          return journal.runningIn(worker.pid).includes(task.seed);
        },
        kills === 0 ? 30_000 : restartWaitMs,
      );
      if (!runningHere) {
        notRestarted = true;
        break;
      }
      worker.kill();
      lastKillAt = Date.now();
      kills++;
      ctx.log(`kill ${kills}/${killsNeeded} of the worker running ${task.taskId}`);
      await worker.exited;
      worker = await start();
    }

    // A worker stays up: the engine must now end the task (failed), not run it again and not leave it working.
    const startsAtLimit = journal.startsOf(task.seed).length;
    await until(
      async () => {
        await book.pollOnce(front.url!);
        return task.settledAt !== undefined;
      },
      verdictWaitMs,
      200,
    );
    await journal.refresh(15_000);
    const startsAfterLimit = journal.startsOf(task.seed).length - startsAtLimit;
    const { figures } = await tally(ctx, deployment.name, book);
    const view = task.last;
    const status = view?.status ?? 'unknown';
    const message = view?.statusMessage ?? view?.error?.message ?? '';
    // Here the expected outcome is `failed`, not a digest: only a non-failed terminal status is a wrong result.
    figures.lost = view && isTerminal(view.status) ? 0 : 1;
    figures.wrongResult = view && isTerminal(view.status) && view.status !== 'failed' ? 1 : 0;
    const expectations: Expectation[] = [
      {
        text: `the task was re-run after each of the first ${MAX_STALLED} kill(s) (harness precondition)`,
        ok: !notRestarted,
        detail: notRestarted
          ? `not started again within ${restartWaitMs / 1000} s after kill ${kills}`
          : undefined,
      },
      {
        text: `killed ${killsNeeded} times (maxStalledCount ${MAX_STALLED}), the task ends failed within ${verdictWaitMs / 1000} s`,
        ok: status === 'failed',
        detail: describeTask(task),
      },
      {
        text: 'the failed task says why in its statusMessage or error',
        ok: status === 'failed' && message.trim().length > 0,
        detail: message ? `"${message}"` : 'no message',
      },
    ];
    return {
      figures,
      expectations,
      details: {
        kills,
        'starts after the last kill': startsAfterLimit,
        'final status': status,
        'status message': message || '(none)',
        'time from last kill to terminal (ms)':
          task.settledAt !== undefined
            ? task.settledAt - lastKillAt
            : `not terminal after ${verdictWaitMs} ms`,
        'lease (ms)': LEASE_MS,
        maxStalledCount: MAX_STALLED,
      },
    };
  },
};
