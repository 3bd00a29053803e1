import type { Redis } from 'ioredis';
import type { TaskEvent, TaskEventBus, TaskEventType } from '../seams.js';

const EVERY_TYPE: readonly TaskEventType[] = ['changed', 'cancel', 'log'];

/**
 * Task events over Redis pub/sub: a channel per event type and server, one subscriber connection per process,
 * fanned out to the process's listeners. A process subscribes only to the types its listeners asked for, so a
 * worker (which needs cancels) is not woken by every change of every task, nor by task log records. Pub/sub is fire-and-forget, which is
 * fine here: events only say "look again", the state itself is in the store, and every consumer also re-checks the
 * store (a worker re-reads a record before running).
 */
export class RedisTaskEventBus implements TaskEventBus {
  private readonly listeners = new Map<(event: TaskEvent) => void, readonly TaskEventType[]>();
  private subscriber?: Redis;
  /** Subscriptions per channel, once asked for (each resolves when Redis acknowledged it). */
  private readonly subscribed = new Map<string, Promise<void>>();

  /**
   * @param channel the channel of `changed` events (the store's scripts publish there too); cancels go to
   *   `<channel>:cancel`, task log records to `<channel>:log`.
   */
  constructor(
    private readonly publisher: Redis,
    private readonly channel: string,
    /** Applied to the subscriber connection this bus opens (e.g. to report its errors). */
    private readonly prepare: (subscriber: Redis) => Redis = (subscriber) => subscriber,
  ) {}

  async publish(event: TaskEvent): Promise<void> {
    await this.publisher.publish(this.channelOf(event.type), JSON.stringify(event));
  }

  async subscribe(
    listener: (event: TaskEvent) => void,
    types: readonly TaskEventType[] = EVERY_TYPE,
  ): Promise<() => Promise<void>> {
    this.listeners.set(listener, types);
    await Promise.all(types.map((type) => this.ensureSubscribed(this.channelOf(type))));
    return async () => {
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    this.subscribed.clear();
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private channelOf(type: TaskEventType): string {
    return type === 'changed' ? this.channel : `${this.channel}:${type}`;
  }

  private ensureSubscribed(channel: string): Promise<void> {
    let subscribed = this.subscribed.get(channel);
    if (!subscribed) {
      // Resolves once Redis acknowledged the subscription: nothing published afterwards is missed.
      subscribed = this.connection()
        .subscribe(channel)
        .then(() => {});
      this.subscribed.set(channel, subscribed);
    }
    return subscribed;
  }

  private connection(): Redis {
    if (this.subscriber) return this.subscriber;
    // ioredis 5.11 re-subscribes after a reconnect without handling the reply, so a connection closed in that
    // moment is an unhandled rejection (redis/ioredis#2187, fixed upstream after 5.11.1, not released). The bus
    // re-subscribes itself instead. Events missed while reconnecting are harmless: consumers re-check the store.
    const subscriber = this.prepare(this.publisher.duplicate({ autoResubscribe: false }));
    let connectedBefore = false;
    subscriber.on('ready', () => {
      if (connectedBefore && this.subscribed.size > 0) {
        subscriber.subscribe(...this.subscribed.keys()).catch(() => {}); // the next 'ready' tries again
      }
      connectedBefore = true;
    });
    subscriber.on('message', (channel: string, message: string) => this.deliver(channel, message));
    this.subscriber = subscriber;
    return subscriber;
  }

  private deliver(channel: string, message: string): void {
    let event: TaskEvent;
    try {
      event = JSON.parse(message) as TaskEvent;
    } catch {
      return;
    }
    if (this.channelOf(event.type) !== channel) return;
    for (const [listener, types] of [...this.listeners]) {
      if (!types.includes(event.type)) continue;
      try {
        listener(event);
      } catch {
        // One failing listener must not starve the others.
      }
    }
  }
}
