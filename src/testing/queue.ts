/**
 * The contract of a `TaskQueue`: each leg runs once however often it is queued, `holds` tells whether anything will
 * still run a leg, removal, delays, the consumer's concurrency, hand-back, stopping and closing. Legs are observed
 * through a consumer that records every delivery and finishes each leg when the test says so.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { LegDelivery, QueuedLeg, TaskQueue } from '../tasks/seams.js';
import { type Deferred, deferred, eventually, uniqueId } from './support.js';

const keyOf = (leg: QueuedLeg) => `${leg.taskId}/${leg.leg}/${leg.attempt}`;
const leg = (overrides: Partial<QueuedLeg> = {}): QueuedLeg => ({
  taskId: uniqueId('tqueue'),
  leg: 1,
  attempt: 1,
  ...overrides,
});

/** A consumer that records deliveries; with `hold`, each leg runs until `finish` releases it. */
class Consumer {
  readonly deliveries: LegDelivery[] = [];
  /** Keys of the legs whose `process` has resolved, in order. */
  readonly finished: string[] = [];
  running = 0;
  peak = 0;
  private readonly gates = new Map<string, Deferred>();

  constructor(private readonly hold: boolean) {}

  readonly process = async (delivery: LegDelivery): Promise<void> => {
    this.deliveries.push(delivery);
    this.running++;
    this.peak = Math.max(this.peak, this.running);
    if (this.hold) {
      const gate = deferred();
      this.gates.set(keyOf(delivery), gate);
      await gate.promise;
    }
    this.running--;
    this.finished.push(keyOf(delivery));
  };

  delivered(job: QueuedLeg): number {
    return this.deliveries.filter((delivery) => keyOf(delivery) === keyOf(job)).length;
  }

  /** The latest delivery of `job`, once it has come. */
  deliveryOf(job: QueuedLeg): Promise<LegDelivery> {
    return eventually(() => this.deliveries.findLast((delivery) => keyOf(delivery) === keyOf(job)));
  }

  /** Let the running delivery of `job` return. */
  finish(job: QueuedLeg): void {
    const gate = this.gates.get(keyOf(job));
    this.gates.delete(keyOf(job));
    gate?.resolve();
  }

  releaseAll(): void {
    for (const gate of this.gates.values()) gate.resolve();
    this.gates.clear();
  }
}

export interface QueueContractOptions {
  /**
   * Cases to leave out, by title, each with the reason (a known defect of this queue, shown in the skipped case's
   * title). A title that names no case is an error, so a renamed case is never skipped silently.
   */
  skip?: Record<string, string>;
}

/**
 * Register the queue contract with vitest. `makeQueue` returns a new, open queue for each test, empty and shared
 * with no other test (the suite consumes it and closes it afterwards).
 */
export function describeQueueContract(
  name: string,
  makeQueue: () => Promise<TaskQueue>,
  options: QueueContractOptions = {},
) {
  const skipped = new Map(Object.entries(options.skip ?? {}));
  const it = (title: string, body: () => Promise<void>) => {
    const reason = skipped.get(title);
    skipped.delete(title);
    if (reason === undefined) test(title, body);
    else test.skip(`${title} (skipped: ${reason})`, body);
  };
  describe(`TaskQueue contract: ${name}`, () => {
    const queues: TaskQueue[] = [];
    const consumers: Consumer[] = [];
    afterEach(async () => {
      for (const consumer of consumers.splice(0)) consumer.releaseAll();
      await Promise.all(queues.splice(0).map((queue) => queue.close()));
    });

    async function open(): Promise<TaskQueue> {
      const queue = await makeQueue();
      queues.push(queue);
      return queue;
    }

    async function consume(queue: TaskQueue, options: { concurrency?: number; hold?: boolean } = {}) {
      const consumer = new Consumer(options.hold ?? false);
      consumers.push(consumer);
      await queue.consume(consumer.process, { concurrency: options.concurrency ?? 1 });
      return consumer;
    }

    const released = (queue: TaskQueue, job: QueuedLeg) => eventually(async () => !(await queue.holds(job)));

    it('delivers each queued leg once, with its task id, leg and attempt, then no longer holds it', async () => {
      const queue = await open();
      const consumer = await consume(queue, { concurrency: 2 });
      const first = leg();
      const later = leg({ leg: 2, attempt: 3 });
      await queue.enqueue(first);
      await queue.enqueue(later);
      await eventually(() => consumer.finished.length === 2);
      const seen = consumer.deliveries.map((delivery) => ({
        taskId: delivery.taskId,
        leg: delivery.leg,
        attempt: delivery.attempt,
        crashes: delivery.crashes,
      }));
      expect(seen).toEqual(
        expect.arrayContaining([
          { ...first, crashes: 0 },
          { ...later, crashes: 0 },
        ]),
      );
      await released(queue, first);
      await released(queue, later);
      expect(consumer.deliveries).toHaveLength(2);
    });

    it('queues a leg once however often it is enqueued while queued or running', async () => {
      const queue = await open();
      const job = leg();
      await queue.enqueue(job);
      await queue.enqueue(job);
      expect(await queue.depth()).toBe(1);
      const consumer = await consume(queue, { hold: true });
      await consumer.deliveryOf(job);
      await queue.enqueue(job);
      expect(await queue.holds(job)).toBe(true);
      const marker = leg();
      await queue.enqueue(marker);
      consumer.finish(job);
      await consumer.deliveryOf(marker);
      consumer.finish(marker);
      // Nothing is left that would run the leg again, and it ran once.
      await released(queue, job);
      await released(queue, marker);
      expect(consumer.delivered(job)).toBe(1);
      expect(await queue.depth()).toBe(0);
    });

    it('holds a leg while it is queued, delayed or running, and counts only the ones not started', async () => {
      const queue = await open();
      const job = leg();
      const delayed = leg();
      expect(await queue.holds(job)).toBe(false);
      await queue.enqueue(job);
      await queue.enqueue(delayed, { delayMs: 60_000 });
      expect(await queue.holds(job)).toBe(true);
      expect(await queue.holds(delayed)).toBe(true);
      expect(await queue.depth()).toBe(2);
      const consumer = await consume(queue, { hold: true });
      await consumer.deliveryOf(job);
      expect(await queue.holds(job)).toBe(true);
      expect(await queue.depth()).toBe(1);
      consumer.finish(job);
      await released(queue, job);
      expect(await queue.holds(delayed)).toBe(true);
      await queue.remove(delayed);
      expect(await queue.holds(delayed)).toBe(false);
      expect(await queue.depth()).toBe(0);
      expect(consumer.delivered(delayed)).toBe(0);
    });

    it('runs a delayed leg once its delay has passed, not before', async () => {
      const queue = await open();
      const consumer = await consume(queue);
      const job = leg();
      const queuedAt = Date.now();
      await queue.enqueue(job, { delayMs: 300 });
      await consumer.deliveryOf(job);
      expect(Date.now() - queuedAt).toBeGreaterThanOrEqual(300);
      await released(queue, job);
    });

    it('removes a leg that has not started, so it never runs; removing a running or unknown leg is harmless', async () => {
      const queue = await open();
      const removed = leg();
      const kept = leg();
      await queue.enqueue(removed);
      await queue.enqueue(kept);
      await queue.remove(removed);
      expect(await queue.holds(removed)).toBe(false);
      await queue.remove(leg());
      const consumer = await consume(queue, { hold: true });
      await consumer.deliveryOf(kept);
      await queue.remove(kept);
      consumer.finish(kept);
      await eventually(() => consumer.finished.includes(keyOf(kept)));
      await released(queue, kept);
      expect(consumer.deliveries.map(keyOf)).toEqual([keyOf(kept)]);
    });

    it('runs at most `concurrency` legs at once, and that many when there are enough', async () => {
      const queue = await open();
      const jobs = Array.from({ length: 5 }, () => leg());
      for (const job of jobs) await queue.enqueue(job);
      const consumer = await consume(queue, { concurrency: 2, hold: true });
      for (let done = 0; done < jobs.length; done++) {
        // Two run while at least two are left; finishing one lets the next start.
        await eventually(() => {
          expect(consumer.peak).toBeLessThanOrEqual(2);
          return consumer.running === Math.min(2, jobs.length - done);
        });
        consumer.finish(
          consumer.deliveries.find((delivery) => !consumer.finished.includes(keyOf(delivery)))!,
        );
        await eventually(() => consumer.finished.length === done + 1);
      }
      expect(consumer.peak).toBe(2);
      expect(consumer.deliveries.map(keyOf).sort()).toEqual(jobs.map(keyOf).sort());
    });

    it('delivers a leg handed back again, holding it meanwhile; a hand-back is not a crash', async () => {
      const queue = await open();
      const consumer = await consume(queue, { hold: true });
      const job = leg();
      await queue.enqueue(job);
      const first = await consumer.deliveryOf(job);
      await first.handBack();
      expect(await queue.holds(job)).toBe(true);
      consumer.finish(job);
      await eventually(() => consumer.delivered(job) === 2);
      expect(consumer.deliveries[1]).toMatchObject({ ...job, crashes: 0 });
      consumer.finish(job);
      await released(queue, job);
      expect(consumer.delivered(job)).toBe(2);
    });

    it('takes no new legs once it stops consuming, while the running ones finish', async () => {
      const queue = await open();
      const consumer = await consume(queue, { concurrency: 2, hold: true });
      const running = leg();
      await queue.enqueue(running);
      await consumer.deliveryOf(running);
      await queue.stopConsuming();
      const later = leg();
      await queue.enqueue(later);
      consumer.finish(running);
      await eventually(() => consumer.finished.includes(keyOf(running)));
      await released(queue, running);
      // The running leg finished and was released (a round trip on a shared queue): the new one is still queued.
      expect(await queue.holds(later)).toBe(true);
      expect(await queue.depth()).toBe(1);
      expect(consumer.deliveries.map(keyOf)).toEqual([keyOf(running)]);
    });

    it('closes without waiting for the legs that are still running', async () => {
      const queue = await open();
      const consumer = await consume(queue, { hold: true });
      const job = leg();
      await queue.enqueue(job);
      await consumer.deliveryOf(job);
      await queue.close();
      expect(consumer.finished).toEqual([]);
      // The leg's handler ends after the close: nothing is left to store its end, and nothing breaks.
      consumer.finish(job);
      await eventually(() => consumer.finished.length === 1);
    });

    if (skipped.size > 0) {
      const titles = [...skipped.keys()].map((title) => `'${title}'`).join(', ');
      throw new Error(`describeQueueContract(${name}): no case is titled ${titles}.`);
    }
  });
}
