/**
 * Scenario 1: workers die with kill -9 in the middle of tasks, over and over. A crashed worker cannot hand
 * anything back, so the engine must notice on its own (the lease lapses) and run the killed task again on
 * another worker. The figure that matters is time-to-recover, from the kill to the killed task's next start in
 * another process (read from the execution journal); and at the end every task must still complete with the
 * right result. maxStalledCount is set high here so that repeated kills of one task measure recovery, not the
 * stalled limit (scenario 2 tests that).
 */

import { Journal } from '../lib/journal.js';
import { type Child, type Deployment, startFrontEnd, startWorker } from '../lib/processes.js';
import {
  type Expectation,
  outcomeExpectations,
  type Scenario,
  type ScenarioContext,
  tally,
  timing,
} from '../lib/scenario.js';
import { TaskBook } from '../lib/tasks.js';
import { randomInt, sleep } from '../lib/wait.js';

const LEASE_MS = 2_000;
const WORKERS = 3;
const CONCURRENCY = 2;
/** Created tasks whose handler has not returned yet: enough to keep every worker busy. */
const IN_FLIGHT = WORKERS * CONCURRENCY + 4;
const RECOVERY_DEADLINE_MS = 60_000;

interface Kill {
  pid: number;
  at: number;
}

export const workerKill: Scenario = {
  id: 'worker-kill',
  title: '1. worker kill -9 mid-task',
  budgetMs: (quick) => (quick ? 120_000 : 540_000),
  async run(ctx) {
    const targetKills = ctx.quick ? 10 : 100;
    const killPhaseMs = ctx.quick ? 60_000 : 420_000;
    const settleMs = ctx.quick ? 25_000 : RECOVERY_DEADLINE_MS;
    const deployment = ctx.deployment('kill9', { leaseMs: LEASE_MS, maxStalledCount: 1000 });
    const [front, ...first] = await Promise.all([
      startFrontEnd(deployment),
      ...Array.from({ length: WORKERS }, () =>
        startWorker(deployment, { concurrency: CONCURRENCY, drainMs: 0 }),
      ),
    ]);
    const journal = new Journal(ctx.db, deployment.name);
    const book = new TaskBook('kill9');
    const pool = new WorkerPool(deployment, first as Child[], ctx);
    const kills: Kill[] = [];

    const phaseStart = Date.now();
    const phaseEnd = phaseStart + killPhaseMs;
    let nextKillAt = Date.now() + 500;
    while (kills.length < targetKills && Date.now() < phaseEnd && !ctx.signal.aborted) {
      await journal.refresh().catch(() => []);
      // Keep the workers busy: top up the tasks whose handler has not returned yet.
      const open = book.received().filter((task) => !journal.hasReturned(task.seed)).length;
      const wanted = Math.max(0, IN_FLIGHT - open);
      await Promise.all(
        Array.from({ length: wanted }, () =>
          book.create(front.url!, book.plan('digest', randomInt(1500, 3000))),
        ),
      );
      if (Date.now() >= nextKillAt && pool.canKill()) {
        const victim = pool.pickVictim((pid) => journal.runningIn(pid).length > 0);
        if (victim) {
          kills.push({ pid: victim.pid, at: Date.now() });
          pool.killAndReplace(victim);
          nextKillAt = Date.now() + randomInt(300, 1200); // the kill schedule's jitter, not a wait for a condition
          if (kills.length % 10 === 0) ctx.log(`${kills.length} kills, ${book.received().length} tasks`);
          continue;
        }
      }
      await sleep(50);
    }
    const phaseMs = Date.now() - phaseStart;
    ctx.log(`kill phase over: ${kills.length} kills; waiting for every task to end`);
    await pool.settled();
    await book.settle(() => front.url!, Date.now() + settleMs);
    await journal.refresh(15_000);

    // Recovery: each seed a killed worker was running (started there, never ended there) must start elsewhere.
    const recoveries: number[] = [];
    let unrecovered = 0;
    for (const kill of kills) {
      for (const seed of journal.runningIn(kill.pid)) {
        const again = journal.restartOf(seed, kill.at, kill.pid);
        if (again && again.at - kill.at <= RECOVERY_DEADLINE_MS) recoveries.push(again.at - kill.at);
        else unrecovered++;
      }
    }
    const { figures, verdict } = await tally(ctx, deployment.name, book);
    figures.recoverMs = { ...timing(recoveries), unrecovered };
    const expectations: Expectation[] = [
      {
        text: `at least ${targetKills} workers were killed with kill -9 while running tasks`,
        ok: kills.length >= targetKills,
        detail: `${kills.length} kills in ${Math.round(phaseMs / 1000)} s`,
      },
      {
        text: `every task killed mid-run started again on another worker within ${RECOVERY_DEADLINE_MS / 1000} s`,
        ok: unrecovered === 0,
        detail: unrecovered ? `${unrecovered} of ${recoveries.length + unrecovered} killed runs` : undefined,
      },
      ...outcomeExpectations(verdict),
    ];
    return {
      figures,
      expectations,
      details: {
        kills: `${kills.length} in ${(phaseMs / 1000).toFixed(0)} s`,
        'killed runs': recoveries.length + unrecovered,
        'worker starts failed': pool.failedStarts,
        'lease (ms)': LEASE_MS,
        workers: `${WORKERS} × concurrency ${CONCURRENCY}`,
      },
    };
  },
};

/** The live workers, with replacements started in the background as workers are killed. */
class WorkerPool {
  private readonly live: Child[];
  private readonly starting = new Set<Promise<void>>();
  failedStarts = 0;

  constructor(
    private readonly deployment: Deployment,
    workers: Child[],
    private readonly ctx: ScenarioContext,
  ) {
    this.live = [...workers];
  }

  /** Another worker must stay up to take the killed tasks over, and replacements must not pile up. */
  canKill(): boolean {
    return this.live.length >= 2 && this.starting.size < 3;
  }

  pickVictim(busy: (pid: number) => boolean): Child | undefined {
    const candidates = this.live.filter((worker) => worker.alive && busy(worker.pid));
    return candidates[Math.floor(Math.random() * candidates.length)];
  }

  killAndReplace(victim: Child): void {
    victim.kill();
    this.live.splice(this.live.indexOf(victim), 1);
    const started: Promise<void> = startWorker(this.deployment, { concurrency: CONCURRENCY, drainMs: 0 })
      .then((worker) => {
        this.live.push(worker);
      })
      .catch((error: Error) => {
        this.failedStarts++;
        this.ctx.log(`a replacement worker did not start: ${error.message.split('\n')[0]}`);
      })
      .finally(() => this.starting.delete(started));
    this.starting.add(started);
  }

  /** Wait for the replacements still starting (each start is bounded by its own ready timeout). */
  async settled(): Promise<void> {
    await Promise.all([...this.starting]);
    if (this.live.length === 0) {
      this.live.push(await startWorker(this.deployment, { concurrency: CONCURRENCY, drainMs: 0 }));
    }
  }
}
