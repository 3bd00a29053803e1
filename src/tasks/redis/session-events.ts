import type { Redis } from 'ioredis';
import {
  type SessionEvent,
  type SessionEventBounds,
  type SessionEventLog,
  SessionEventNotKeptError,
  type SessionStream,
} from '../session-events.js';
import type { RedisKeys } from './keys.js';

const REDIS_STREAM_ID = /^\d+-\d+$/;

/**
 * Session stream events in Redis Streams, under the engine's key prefix and hash tag: one stream key per SSE stream,
 * capped at exactly `maxEventsPerStream` entries (XADD MAXLEN) and expiring `retentionMs` after its latest event,
 * plus one set per session naming its stream keys (same expiry) so ending the session drops them. Positions are
 * the Redis entry ids. Shared by every process of the engine, so the events outlive the process that wrote them;
 * the session itself does not (see docs/legacy.md).
 */
export class RedisSessionEventLog implements SessionEventLog {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly bounds: SessionEventBounds,
  ) {}

  async append(stream: SessionStream, data: string): Promise<string> {
    const key = this.keys.sessionStream(stream.sessionId, stream.streamId);
    const index = this.keys.sessionStreams(stream.sessionId);
    const { maxEventsPerStream, retentionMs } = this.bounds;
    // One MULTI: a stream key never exists without its expiry, nor outside its session's index.
    const replies = await this.redis
      .multi()
      .xadd(key, 'MAXLEN', maxEventsPerStream, '*', 'd', data)
      .pexpire(key, retentionMs)
      .sadd(index, key)
      .pexpire(index, retentionMs)
      .exec();
    if (!replies) throw new Error(`Storing an event of session stream ${stream.streamId} was aborted.`);
    const [error, position] = replies[0]!;
    if (error) throw error;
    return position as string;
  }

  async after(stream: SessionStream, position: string): Promise<SessionEvent[] | null> {
    const key = this.keys.sessionStream(stream.sessionId, stream.streamId);
    // Inclusive of `position`: its presence proves nothing after it was trimmed (trimming drops the oldest first).
    const entries = REDIS_STREAM_ID.test(position) ? await this.redis.xrange(key, position, '+') : [];
    if (entries[0]?.[0] !== position) {
      if ((await this.redis.exists(key)) === 0) return null;
      throw new SessionEventNotKeptError(stream, position);
    }
    return entries.slice(1).map(([id, fields]) => ({ position: id, data: dataOf(key, id, fields) }));
  }

  async forget(sessionId: string): Promise<void> {
    const index = this.keys.sessionStreams(sessionId);
    const streams = await this.redis.smembers(index);
    await this.redis.unlink(index, ...streams);
  }
}

/** Every entry is written by `append` with the one field `d`; anything else is not ours to replay. */
function dataOf(key: string, id: string, fields: string[]): string {
  if (fields.length !== 2 || fields[0] !== 'd') {
    throw new Error(`Redis stream ${key} entry ${id} is not a session event (fields: ${fields.join(', ')}).`);
  }
  return fields[1]!;
}
