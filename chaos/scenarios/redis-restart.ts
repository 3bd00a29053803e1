/**
 * Scenario 4: Redis restarts (gracefully, AOF on, so no data is lost) while tasks are running, and stays down
 * for a few seconds. Handlers that finish during the outage cannot store their result; queue locks cannot be
 * renewed. Once Redis is back, every task must still end with the right result, every front end and worker
 * must still be up (an outage is not a reason to crash), and new tasks must be accepted again.
 */
import { Journal } from '../lib/journal.js';
import { type Child, startFrontEnd, startWorker } from '../lib/processes.js';
import { type Expectation, outcomeExpectations, type Scenario, tally } from '../lib/scenario.js';
import { TaskBook } from '../lib/tasks.js';
import { randomInt, until, withTimeout } from '../lib/wait.js';

const LEASE_MS = 3_000;
const MARKER = 'chaos-marker:redis-restart';

export const redisRestart: Scenario = {
  id: 'redis-restart',
  title: '4. Redis restart mid-flight',
  budgetMs: (quick) => (quick ? 70_000 : 120_000),
  async run(ctx) {
    const outages = ctx.quick ? [3_000] : [randomInt(3_000, 5_000), randomInt(7_000, 10_000)];
    const perRound = ctx.quick ? 16 : 24;
    const settleMs = ctx.quick ? 25_000 : 45_000;
    const deployment = ctx.deployment('redisrestart', { leaseMs: LEASE_MS, maxStalledCount: 3 });
    const processes: Child[] = await Promise.all([
      startFrontEnd(deployment),
      startWorker(deployment, { concurrency: 4, drainMs: 0 }),
      startWorker(deployment, { concurrency: 4, drainMs: 0 }),
    ]);
    const front = processes[0]!;
    const journal = new Journal(ctx.db, deployment.name);
    const book = new TaskBook('redisrestart');
    const outagesMs: number[] = [];
    let markerKept = true;
    let lateCreations = 0;

    for (const outageMs of outages) {
      if (ctx.signal.aborted) break;
      const round = await Promise.all(
        Array.from({ length: perRound }, () =>
          book.create(front.url!, book.plan('digest', randomInt(1_500, 5_000))),
        ),
      );
      const seeds = new Set(round.map((task) => task.seed));
      // Restart while handlers are running: wait until several have started.
      await until(
        async () => {
          await journal.refresh();
          return (
            journal.entries.filter((entry) => entry.kind === 'start' && seeds.has(entry.seed)).length >= 4
          );
        },
        20_000,
        100,
      );
      await withTimeout(ctx.db.set(MARKER, String(outageMs)), 5_000, 'writing the marker');
      ctx.log(`restarting Redis with a ${outageMs} ms outage`);
      outagesMs.push(await ctx.redis.restart(outageMs));
      const marker = await withTimeout(ctx.db.get(MARKER), 10_000, 'reading the marker').catch(() => null);
      markerKept &&= marker === String(outageMs);
      // New tasks must be accepted again once Redis is back (the front end reconnects on its own).
      for (let i = 0; i < 4; i++) {
        const task = book.plan('digest', randomInt(200, 800));
        const created = await until(
          async () => (await book.create(front.url!, task)).taskId !== undefined,
          15_000,
          250,
        );
        if (!created) lateCreations++;
      }
    }

    await book.settle(() => front.url!, Date.now() + settleMs);
    const { figures, verdict } = await tally(ctx, deployment.name, book);
    const died = processes.filter((child) => !child.alive);
    const expectations: Expectation[] = [
      {
        text: 'Redis kept its data across the restart (harness precondition: AOF on)',
        ok: markerKept,
      },
      {
        text: 'every front end and worker survived the outage',
        ok: died.length === 0,
        detail: died.length ? died.map((child) => `${child.role} ${child.pid}`).join(', ') : undefined,
      },
      {
        text: 'new tasks are accepted within 15 s of Redis coming back',
        ok: lateCreations === 0,
        detail: lateCreations ? `${lateCreations} creations still failing` : undefined,
      },
      ...outcomeExpectations(verdict),
    ];
    return {
      figures,
      expectations,
      details: {
        'outages (ms)': outagesMs.join(', '),
        'tasks created before the outages': perRound * outages.length,
        'creations without an id': verdict.notCreated,
      },
    };
  },
};
