/**
 * Scenario 3: a front end dies with kill -9 in the middle of a burst of task creations, several times. Creation
 * is promised to be durable (the id is sent only once the task is stored), so every id a client did receive must
 * end terminal with the right result. Creations cut off half-way may leave records nobody holds an id for; those
 * must not stay `working` forever either, so the harness also scans Redis for every task record of the
 * deployment and counts the ones still not terminal at the deadline: orphans.
 */
import { type Child, startFrontEnd, startWorker } from '../lib/processes.js';
import { scanOrphans } from '../lib/records.js';
import { type Expectation, outcomeExpectations, type Scenario, tally } from '../lib/scenario.js';
import { TaskBook } from '../lib/tasks.js';
import { randomInt, until } from '../lib/wait.js';

const LEASE_MS = 2_000;

export const frontEndKill: Scenario = {
  id: 'front-end-kill',
  title: '3. front end kill -9 during creation bursts',
  budgetMs: (quick) => (quick ? 80_000 : 180_000),
  async run(ctx) {
    const bursts = ctx.quick ? 2 : 5;
    const burstSize = ctx.quick ? 30 : 40;
    const settleMs = ctx.quick ? 25_000 : 60_000;
    const deployment = ctx.deployment('frontkill', { leaseMs: LEASE_MS, maxStalledCount: 3 });
    const workers = () => startWorker(deployment, { concurrency: 4, drainMs: 0 });
    let front: Child = (await Promise.all([startFrontEnd(deployment), workers(), workers()]))[0];
    const book = new TaskBook('frontkill');
    const perBurst: string[] = [];

    for (let burst = 1; burst <= bursts && !ctx.signal.aborted; burst++) {
      const url = front.url!;
      let answered = 0;
      const creations = Array.from({ length: burstSize }, () =>
        book.create(url, book.plan('digest', randomInt(200, 1000))).then((task) => {
          if (task.taskId) answered++;
          return task;
        }),
      );
      // Kill mid-burst: after a random number of answers, or after 2 s if answers are slow to come.
      const killAfter = randomInt(1, Math.floor(burstSize / 2));
      await until(() => answered >= killAfter, 2_000, 5);
      front.kill();
      const killedAt = Date.now();
      await front.exited;
      const settled = await Promise.all(creations);
      const received = settled.filter((task) => task.taskId).length;
      perBurst.push(`${received}/${burstSize}`);
      ctx.log(`burst ${burst}: front end killed after ${received} of ${burstSize} ids were received`);
      front = await startFrontEnd(deployment);
      ctx.log(`burst ${burst}: front end back after ${Date.now() - killedAt} ms`);
    }

    const deadline = Date.now() + settleMs;
    await book.settle(() => front.url!, deadline);
    const scan = await scanOrphans(ctx.db, deployment.name, () => front.url!, deadline);
    const { figures, verdict } = await tally(ctx, deployment.name, book);
    figures.orphans = scan.orphans.length;
    const receivedIds = new Set(book.received().map((task) => task.taskId!));
    const expectations: Expectation[] = [
      ...outcomeExpectations(verdict),
      {
        text: `no task record in Redis is still non-terminal ${settleMs / 1000} s after the last burst (orphans)`,
        ok: scan.orphans.length === 0,
        detail: scan.orphans.length
          ? `${scan.orphans.length} of ${scan.ids.length} records, e.g. ${scan.orphans.slice(0, 3).join(', ')}`
          : undefined,
      },
    ];
    const unacknowledged = scan.ids.filter((id) => !receivedIds.has(id)).length;
    return {
      figures,
      expectations,
      details: {
        bursts,
        'ids received per burst': perBurst.join(', '),
        'creations without an id': verdict.notCreated,
        'records in Redis': scan.ids.length,
        'records whose id no client received': unacknowledged,
        'records gone before they were read': scan.gone,
      },
    };
  },
};
