/**
 * Scenario 5: a worker gets SIGTERM (`--drain 1000`) while running handlers that ignore their abort signal. A
 * process manager waits a bounded time before it escalates to SIGKILL, so the worker must exit within the drain
 * plus a small grace, with code 0, however its handlers behave; the legs it could not finish go back to the
 * queue and another worker completes them. A handler that did return its result before the worker left must
 * not run a second time: that would be work done twice with nothing having crashed (fatal here, unlike after a
 * kill -9, where at-least-once is the documented contract).
 */
import { Journal } from '../lib/journal.js';
import { type Exit, startFrontEnd, startWorker } from '../lib/processes.js';
import { type Expectation, outcomeExpectations, type Scenario, tally, timing } from '../lib/scenario.js';
import { TaskBook } from '../lib/tasks.js';
import { mustUntil } from '../lib/wait.js';

const LEASE_MS = 2_000;
const DRAIN_MS = 1_000;
/** What a clean exit may take beyond the drain: hand legs back, close connections, exit. */
const GRACE_MS = 2_000;
/** Handlers that ignore the signal run this long: well past drain + grace. */
const STUBBORN_MS = 6_000;
const STUBBORN = 4;
const QUICK = 2;

export const sigtermDrain: Scenario = {
  id: 'sigterm-drain',
  title: '5. SIGTERM of a worker whose handlers ignore the signal',
  budgetMs: (quick) => (quick ? 70_000 : 120_000),
  async run(ctx) {
    const rounds = ctx.quick ? 1 : 3;
    const settleMs = 30_000;
    const deployment = ctx.deployment('sigterm', { leaseMs: LEASE_MS, maxStalledCount: 3 });
    const worker = () => startWorker(deployment, { concurrency: STUBBORN + QUICK, drainMs: DRAIN_MS });
    const front = await startFrontEnd(deployment);
    const journal = new Journal(ctx.db, deployment.name);
    const book = new TaskBook('sigterm');
    const shutdowns: number[] = [];
    const exits: Exit[] = [];
    let next = worker();

    for (let round = 1; round <= rounds && !ctx.signal.aborted; round++) {
      const doomed = await next;
      const stubborn = Array.from({ length: STUBBORN }, () => book.plan('stubborn_digest', STUBBORN_MS));
      const quick = Array.from({ length: QUICK }, () => book.plan('digest', 200));
      await Promise.all([...stubborn, ...quick].map((task) => book.create(front.url!, task)));
      // SIGTERM once the quick handlers have returned and every stubborn one is running in this worker.
      await mustUntil(
        'the quick tasks to return and the stubborn ones to start in the worker',
        async () => {
          await journal.refresh();
          const running = journal.runningIn(doomed.pid);
          return (
            quick.every((task) => journal.hasReturned(task.seed)) &&
            stubborn.every((task) => running.includes(task.seed))
          );
        },
        20_000,
      );
      const signalledAt = Date.now();
      // The replacement starts at once, as a process manager would, and takes over what is handed back.
      next = worker();
      const exit = await doomed.terminate(STUBBORN_MS + 20_000).catch(() => {
        doomed.kill();
        return { code: null, signal: 'SIGKILL', at: Date.now() } satisfies Exit;
      });
      exits.push(exit);
      shutdowns.push(exit.at - signalledAt);
      ctx.log(`round ${round}: worker exited ${exit.code ?? exit.signal} after ${exit.at - signalledAt} ms`);
      // Rounds do not overlap: the replacement finishes this round's tasks before it becomes the next victim.
      await next;
      await book.settle(() => front.url!, Date.now() + settleMs);
    }
    const { figures, verdict, repeats } = await tally(ctx, deployment.name, book);
    figures.shutdownMs = timing(shutdowns);
    const bound = DRAIN_MS + GRACE_MS;
    const expectations: Expectation[] = [
      {
        text: `the worker exits within drain + grace (${DRAIN_MS} + ${GRACE_MS} ms) of SIGTERM`,
        ok: shutdowns.every((ms) => ms <= bound),
        detail: `took ${shutdowns.join(', ')} ms`,
      },
      {
        text: 'the worker exits with code 0',
        ok: exits.every((exit) => exit.code === 0),
        detail: exits.map((exit) => exit.code ?? exit.signal).join(', '),
      },
      {
        text: 'no handler that had already returned ran a second time',
        ok: repeats.rerunAfterReturn.length === 0,
        detail: repeats.rerunAfterReturn.length
          ? `${repeats.rerunAfterReturn.length} tasks, e.g. seed ${repeats.rerunAfterReturn[0]}`
          : undefined,
      },
      ...outcomeExpectations(verdict),
    ];
    return {
      figures,
      expectations,
      details: {
        rounds,
        'drain (ms)': DRAIN_MS,
        'stubborn handler (ms)': STUBBORN_MS,
        'tasks per round': `${STUBBORN} stubborn + ${QUICK} quick`,
      },
    };
  },
};
