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
/** Concurrent creation loops per burst; each creates tasks back to back until the front end dies. */
const LANES = 16;
/** Upper bound of creations per loop, in case the kill never lands. */
const PER_LANE = 40;

export const frontEndKill: Scenario = {
  id: 'front-end-kill',
  title: '3. front end kill -9 during creation bursts',
  budgetMs: (quick) => (quick ? 80_000 : 150_000),
  async run(ctx) {
    const bursts = ctx.quick ? 2 : 5;
    const settleMs = ctx.quick ? 15_000 : 60_000;
    const deployment = ctx.deployment('frontkill', { leaseMs: LEASE_MS, maxStalledCount: 3 });
    const workers = () => startWorker(deployment, { concurrency: 4, drainMs: 0 });
    let front: Child = (await Promise.all([startFrontEnd(deployment), workers(), workers()]))[0];
    const book = new TaskBook('frontkill');
    const perBurst: string[] = [];

    for (let burst = 1; burst <= bursts && !ctx.signal.aborted; burst++) {
      const url = front.url!;
      const victim = front;
      // Kill mid-burst, from inside the reply handler: after a random number of ids, so creations are in flight.
      const killAfter = randomInt(5, LANES * 3);
      let answered = 0;
      let inFlightAtKill = 0;
      const lane = async () => {
        for (let i = 0; i < PER_LANE && victim.alive; i++) {
          const task = await book.create(url, book.plan('digest', randomInt(200, 1000)));
          if (!task.taskId) return;
          if (++answered === killAfter) {
            inFlightAtKill = LANES - 1;
            victim.kill();
          }
        }
      };
      const lanes = Array.from({ length: LANES }, lane);
      // If replies are too slow to reach the count, kill anyway.
      if (!(await until(() => !victim.alive, 5_000, 20))) {
        inFlightAtKill = LANES;
        victim.kill();
      }
      const killedAt = Date.now();
      await victim.exited;
      await Promise.all(lanes);
      perBurst.push(`${answered} ids, ~${inFlightAtKill} in flight`);
      ctx.log(
        `burst ${burst}: front end killed after ${answered} ids, ${inFlightAtKill} creations in flight`,
      );
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
        'per burst': perBurst.join(', '),
        'creations without an id': verdict.notCreated,
        'records in Redis': scan.ids.length,
        'records whose id no client received': unacknowledged,
        'records gone before they were read': scan.gone,
      },
    };
  },
};
