import type { Redis } from 'ioredis';
import type { SessionRelay } from '../session-relay.js';
import type { RedisKeys } from './keys.js';

/**
 * The session directory and front-end channels on Redis: one key per session naming its owner (`PX` expiry the
 * owner keeps refreshing, so a crashed owner's sessions vanish on their own), and one pub/sub channel per front end.
 * Pub/sub suits the relay: PUBLISH says how many listened, so a message to a dead front end is known undelivered at
 * once, and one connection's messages to a channel arrive in order. The subscriber connection is opened on the first
 * `listen`.
 */
export class RedisSessionRelay implements SessionRelay {
  private subscriber?: Redis;
  private readonly listeners = new Map<string, (message: string) => void>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    /** Applied to the subscriber connection (e.g. to report its errors). */
    private readonly prepare: (subscriber: Redis) => Redis = (subscriber) => subscriber,
  ) {}

  async claim(sessionId: string, owner: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.keys.sessionOwner(sessionId), owner, 'PX', ttlMs);
  }

  async refresh(sessionIds: readonly string[], ttlMs: number): Promise<void> {
    if (sessionIds.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const id of sessionIds) pipeline.pexpire(this.keys.sessionOwner(id), ttlMs);
    await pipeline.exec();
  }

  ownerOf(sessionId: string): Promise<string | null> {
    return this.redis.get(this.keys.sessionOwner(sessionId));
  }

  async release(sessionId: string): Promise<void> {
    await this.redis.unlink(this.keys.sessionOwner(sessionId));
  }

  async listen(frontEnd: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    const channel = this.keys.frontEnd(frontEnd);
    if (this.listeners.has(channel)) throw new Error(`Front end ${frontEnd} is already listening.`);
    this.listeners.set(channel, onMessage);
    const subscriber = this.connection();
    await subscriber.subscribe(channel);
    return async () => {
      this.listeners.delete(channel);
      if (this.listeners.size > 0) {
        await subscriber.unsubscribe(channel).catch(() => {});
        return;
      }
      this.subscriber = undefined;
      await subscriber.quit().catch(() => subscriber.disconnect());
    };
  }

  async send(frontEnd: string, message: string): Promise<boolean> {
    return (await this.redis.publish(this.keys.frontEnd(frontEnd), message)) > 0;
  }

  private connection(): Redis {
    if (this.subscriber) return this.subscriber;
    // Re-subscribed by hand after a reconnect, as the task event bus does (redis/ioredis#2187). Messages sent
    // meanwhile are lost: their senders see no answer and give up within their bounds (see session-forwarding.ts).
    const subscriber = this.prepare(this.redis.duplicate({ autoResubscribe: false }));
    let connectedBefore = false;
    subscriber.on('ready', () => {
      if (connectedBefore && this.listeners.size > 0) {
        subscriber.subscribe(...this.listeners.keys()).catch(() => {});
      }
      connectedBefore = true;
    });
    subscriber.on('message', (channel: string, message: string) => this.listeners.get(channel)?.(message));
    this.subscriber = subscriber;
    return subscriber;
  }
}
