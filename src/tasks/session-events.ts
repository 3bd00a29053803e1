/**
 * The seam that keeps the events of 2025-11-25 HTTP sessions' SSE streams, so a client whose stream dropped can
 * reconnect with `Last-Event-ID` and receive what it missed (a task's status, a tool's progress, the response).
 * Each engine offers one (memory in this process, Redis shared by every front end); one contract suite runs against
 * both (`describeSessionEventsContract` in taskmcp/testing).
 *
 * Events are opaque strings here: the server encodes (and, with an encryption key, encrypts) them before they come
 * in. A stream belongs to one session; streams of different sessions never see each other's events.
 */

/** How much of a stream is kept: both bounds apply, whichever drops an event first. */
export interface SessionEventBounds {
  /** Events kept per stream; appending past it drops the oldest. */
  maxEventsPerStream: number;
  /** A stream is dropped this long after its latest event. */
  retentionMs: number;
}

/** One stream of one session. */
export interface SessionStream {
  sessionId: string;
  streamId: string;
}

/** A kept event: its position in its stream and the data it was appended with. */
export interface SessionEvent {
  position: string;
  data: string;
}

export interface SessionEventLog {
  /**
   * Append `data` to the stream; resolves to its position once a later {@link SessionEventLog.after} (from any
   * process sharing the log) sees it. Positions are opaque, made of digits and `-`, and unique within the stream.
   */
  append(stream: SessionStream, data: string): Promise<string>;
  /**
   * The events appended after the one at `position`, oldest first. `null` when the stream is not kept at all
   * (never written, expired, or forgotten). Throws {@link SessionEventNotKeptError} when the stream is kept but the
   * event at `position` is not (dropped by the bounds, or never one of its positions): replaying from there could
   * leave a hole, so nothing is replayed.
   */
  after(stream: SessionStream, position: string): Promise<SessionEvent[] | null>;
  /** Drop every stream of the session (it ended). */
  forget(sessionId: string): Promise<void>;
}

/** Makes an engine's log with the bounds the server was configured with. */
export type SessionEventLogFactory = (bounds: SessionEventBounds) => SessionEventLog;

/** A resume was asked from an event the stream no longer keeps (or never had): its successors may be gone. */
export class SessionEventNotKeptError extends Error {
  override readonly name = 'SessionEventNotKeptError';
  constructor(
    readonly stream: SessionStream,
    readonly position: string,
  ) {
    super(
      `Event ${position} of stream ${stream.streamId} is not kept (any more): the client stayed away longer than ` +
        `sessions.resumable keeps events (maxEventsPerStream, retentionMs), so the stream cannot be resumed.`,
    );
  }
}
