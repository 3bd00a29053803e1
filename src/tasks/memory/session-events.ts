import {
  type SessionEvent,
  type SessionEventBounds,
  type SessionEventLog,
  SessionEventNotKeptError,
  type SessionStream,
} from '../session-events.js';

interface KeptStream {
  /** Oldest first; positions are consecutive integers. */
  events: Array<{ seq: number; data: string }>;
  nextSeq: number;
  expiresAt: number;
}

/**
 * Session stream events in this process's memory: enough for the usual case, a client reconnecting to the front end
 * that holds its session (sessions live in one process anyway). Expired streams are swept on writes, at most once
 * per half retention, so an idle log costs no timer.
 */
export class MemorySessionEventLog implements SessionEventLog {
  private readonly sessions = new Map<string, Map<string, KeptStream>>();
  private nextSweep = 0;

  constructor(private readonly bounds: SessionEventBounds) {}

  async append(stream: SessionStream, data: string): Promise<string> {
    const now = Date.now();
    this.sweep(now);
    let streams = this.sessions.get(stream.sessionId);
    if (!streams) {
      streams = new Map();
      this.sessions.set(stream.sessionId, streams);
    }
    let kept = this.live(streams, stream.streamId, now);
    if (!kept) {
      kept = { events: [], nextSeq: 1, expiresAt: 0 };
      streams.set(stream.streamId, kept);
    }
    const seq = kept.nextSeq++;
    kept.events.push({ seq, data });
    if (kept.events.length > this.bounds.maxEventsPerStream) kept.events.shift();
    kept.expiresAt = now + this.bounds.retentionMs;
    return String(seq);
  }

  async after(stream: SessionStream, position: string): Promise<SessionEvent[] | null> {
    const streams = this.sessions.get(stream.sessionId);
    const kept = streams && this.live(streams, stream.streamId, Date.now());
    if (!kept) return null;
    const first = kept.events[0]?.seq ?? kept.nextSeq;
    const seq = /^\d+$/.test(position) ? Number(position) : Number.NaN;
    if (!(seq >= first && seq < kept.nextSeq)) throw new SessionEventNotKeptError(stream, position);
    return kept.events
      .slice(seq - first + 1)
      .map((event) => ({ position: String(event.seq), data: event.data }));
  }

  async forget(sessionId: string): Promise<void> {
    this.sessions.delete(sessionId);
  }

  /** The stream, unless it expired (then it is dropped). */
  private live(streams: Map<string, KeptStream>, streamId: string, now: number): KeptStream | undefined {
    const kept = streams.get(streamId);
    if (kept && kept.expiresAt <= now) {
      streams.delete(streamId);
      return undefined;
    }
    return kept;
  }

  private sweep(now: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + this.bounds.retentionMs / 2;
    for (const [sessionId, streams] of this.sessions) {
      for (const [streamId, kept] of streams) if (kept.expiresAt <= now) streams.delete(streamId);
      if (streams.size === 0) this.sessions.delete(sessionId);
    }
  }
}
