/**
 * Resumable SSE streams for 2025-11-25 HTTP sessions: the SDK transport's `EventStore`, one per session, on the
 * engine's session event log. With it the transport gives every SSE event an id, opens each POST stream with a
 * priming event (an id, empty data, and the `retry` field, SEP-1699) for clients whose protocol version allows it,
 * and answers a `GET` with `Last-Event-ID` by replaying what the client missed on that stream, then carrying on live
 * (the `GET` stream) or ending (a request stream whose response was replayed).
 *
 * Event ids are `<stream id>:<position>`; the position comes from the log and the lookup is confined to this
 * session, so another session's ids resume nothing. Events may carry tool results and input requests: with an
 * encryption key they are stored encrypted, as task snapshots are, bound to their session and stream.
 */
import type { EventId, EventStore, JSONRPCMessage, StreamId } from '@modelcontextprotocol/server';
import type { SnapshotCodec } from '../context/encryption.js';
import {
  type SessionEvent,
  type SessionEventLog,
  SessionEventNotKeptError,
  type SessionStream,
} from '../tasks/session-events.js';
import type { ServerLogger } from './logger.js';

export interface ResumableStreamOptions {
  /** Events kept per SSE stream (default 500); a client that missed more cannot resume that stream. */
  maxEventsPerStream?: number;
  /** How long a stream's events are kept after its latest one (default 5 minutes). */
  retentionMs?: number;
  /** The reconnection delay the priming event's `retry` field suggests to clients (default 1 second). */
  retryMs?: number;
}

export const RESUMABLE_DEFAULTS: Required<ResumableStreamOptions> = {
  maxEventsPerStream: 500,
  retentionMs: 5 * 60_000,
  retryMs: 1_000,
};

/** The SDK's stream ids (a UUID per POST, `_GET_stream`) and the log's positions; nothing else reaches the log. */
const EVENT_ID = /^([A-Za-z0-9_-]{1,100}):([0-9-]{1,40})$/;

export class SessionEventStore implements EventStore {
  /** The events found while the SDK asked which stream an id belongs to, handed to the replay that follows. */
  private looked?: { eventId: EventId; events: SessionEvent[] };

  constructor(
    private readonly events: SessionEventLog,
    private readonly sessionId: string,
    private readonly codec: SnapshotCodec,
    private readonly log: ServerLogger,
  ) {}

  async storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    const stream = this.stream(streamId);
    const data = this.codec.encode(associatedData(stream), JSON.stringify(message));
    return `${streamId}:${await this.events.append(stream, data)}`;
  }

  /** `undefined` (the SDK answers 400) for an id that is not one of ours or a stream this session does not keep. */
  async getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    const parsed = this.parseEventId(eventId);
    if (!parsed) return undefined;
    const events = await this.after(parsed.stream, parsed.position);
    if (!events) return undefined;
    this.looked = { eventId, events };
    return parsed.stream.streamId;
  }

  async replayEventsAfter(
    lastEventId: EventId,
    { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> },
  ): Promise<StreamId> {
    const parsed = this.parseEventId(lastEventId);
    if (!parsed) throw new TypeError(`Last-Event-ID '${lastEventId}' is not an event id of this server.`);
    const { stream } = parsed;
    const looked = this.looked?.eventId === lastEventId ? this.looked.events : undefined;
    this.looked = undefined;
    let batch = looked ?? (await this.after(stream, parsed.position)) ?? [];
    // Read again until nothing new: an event stored while this replay runs is not written live (the SDK maps the
    // stream only once the replay returns). The SDK drops the live copy of an id it replayed.
    while (batch.length > 0) {
      for (const event of batch) {
        const message = JSON.parse(this.codec.decode(associatedData(stream), event.data)) as JSONRPCMessage;
        // The priming event's empty message only marked a position; the client never saw data in it.
        if (Object.keys(message).length === 0) continue;
        await send(`${stream.streamId}:${event.position}`, message);
      }
      batch = (await this.after(stream, batch.at(-1)!.position)) ?? [];
    }
    return stream.streamId;
  }

  /** Drop the session's events (it ended). */
  forget(): Promise<void> {
    return this.events.forget(this.sessionId);
  }

  private stream(streamId: StreamId): SessionStream {
    return { sessionId: this.sessionId, streamId };
  }

  private async after(stream: SessionStream, position: string): Promise<SessionEvent[] | null> {
    try {
      return await this.events.after(stream, position);
    } catch (error) {
      // The SDK answers 500 without saying why; the operator's log does.
      if (error instanceof SessionEventNotKeptError) this.log('info', error.message);
      throw error;
    }
  }

  private parseEventId(eventId: EventId): { stream: SessionStream; position: string } | undefined {
    const match = EVENT_ID.exec(eventId);
    return match ? { stream: this.stream(match[1]!), position: match[2]! } : undefined;
  }
}

function associatedData(stream: SessionStream): string {
  return `session-event:${stream.sessionId}/${stream.streamId}`;
}
