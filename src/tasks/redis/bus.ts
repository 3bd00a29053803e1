import type { Redis } from 'ioredis';
import type { TaskEvent, TaskEventBus } from '../seams.js';

/**
 * Task events over Redis pub/sub: one channel per server, one subscriber connection per process, fanned out to the
 * process's listeners. Pub/sub is fire-and-forget, which is fine here: events only say "look again", the state
 * itself is in the store, and every consumer also re-checks the store (a worker re-reads a record before running).
 */
export class RedisTaskEventBus implements TaskEventBus {
  private readonly listeners = new Set<(event: TaskEvent) => void>();
  private subscriber?: Redis;
  private subscribing?: Promise<void>;

  constructor(
    private readonly publisher: Redis,
    private readonly channel: string,
    /** Applied to the subscriber connection this bus opens (e.g. to report its errors). */
    private readonly prepare: (subscriber: Redis) => Redis = (subscriber) => subscriber,
  ) {}

  async publish(event: TaskEvent): Promise<void> {
    await this.publisher.publish(this.channel, JSON.stringify(event));
  }

  async subscribe(listener: (event: TaskEvent) => void): Promise<() => Promise<void>> {
    this.listeners.add(listener);
    await this.ensureSubscribed();
    return async () => {
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    this.subscribing = undefined;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private ensureSubscribed(): Promise<void> {
    this.subscribing ??= (async () => {
      // ioredis 5.11 re-subscribes after a reconnect without handling the reply, so a connection closed in that
      // moment is an unhandled rejection (redis/ioredis#2187, fixed upstream after 5.11.1, not released). The bus
      // re-subscribes itself instead. Events missed while reconnecting are harmless: consumers re-check the store.
      const subscriber = this.prepare(this.publisher.duplicate({ autoResubscribe: false }));
      this.subscriber = subscriber;
      let subscribed = false;
      subscriber.on('ready', () => {
        if (subscribed) subscriber.subscribe(this.channel).catch(() => {}); // the next 'ready' tries again
      });
      subscriber.on('message', (_channel: string, message: string) => this.deliver(message));
      // Resolves once Redis acknowledged the subscription: nothing published afterwards is missed.
      await subscriber.subscribe(this.channel);
      subscribed = true;
    })();
    return this.subscribing;
  }

  private deliver(message: string): void {
    let event: TaskEvent;
    try {
      event = JSON.parse(message) as TaskEvent;
    } catch {
      return;
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // One failing listener must not starve the others.
      }
    }
  }
}
