/**
 * Redis key layout. Every key of one server shares the hash tag `{<server name>}`, so all of them live in one
 * Redis Cluster slot (multi-key operations and Lua stay legal on Cluster and Valkey).
 */
export interface RedisKeys {
  /** JSON task record: no expiry while the task runs, `PXAT expiresAt` once it has ended. */
  task(taskId: string): string;
  /** Context snapshot of the task, deleted when the task ends. */
  context(taskId: string): string;
  /** Sorted set of one owner's task ids, scored by creation time (the listing order). */
  owner(owner: string): string;
  /** What `owner(o)` is for `o` = '' : owner keys are this plus the encoded owner (scripts build them). */
  readonly ownerPrefix: string;
  /** Sorted set of non-terminal task ids, scored by `checkAt` (the reconciler's work list). */
  readonly live: string;
  /** Sorted set of `<encoded owner> <task id>` of ended tasks, scored by expiry (drives owner-set cleanup). */
  readonly expiring: string;
  /** Held for a moment by the process whose reconciler is checking, so processes take turns. */
  readonly checkLock: string;
  /** Pub/sub channel for task events. */
  readonly events: string;
  /** BullMQ key prefix (BullMQ appends `:<queue>:…`). */
  readonly queuePrefix: string;
  /** Redis Stream of one SSE stream's events of a 2025-11-25 session (bounded, expiring; see session-events.ts). */
  sessionStream(sessionId: string, streamId: string): string;
  /** Set of the `sessionStream` keys one session wrote, so ending the session drops them all. */
  sessionStreams(sessionId: string): string;
  /** The id of the front end holding a 2025-11-25 session, expiring unless refreshed (see session-relay.ts). */
  sessionOwner(sessionId: string): string;
  /** Pub/sub channel of the messages relayed to one front end (requests for its sessions, answers to its own). */
  frontEnd(frontEnd: string): string;
}

export function redisKeys(prefix: string, serverName: string): RedisKeys {
  // `}` would end the hash tag early; `:` and spaces are fine inside it, but keep names readable and safe.
  const tag = `{${encodeURIComponent(serverName)}}`;
  const base = `${prefix}:${tag}`;
  const ownerPrefix = `${base}:owner:`;
  return {
    task: (taskId) => `${base}:task:${taskId}`,
    context: (taskId) => `${base}:ctx:${taskId}`,
    owner: (owner) => ownerPrefix + encodeURIComponent(owner),
    ownerPrefix,
    live: `${base}:live`,
    expiring: `${base}:expiring`,
    checkLock: `${base}:check-lock`,
    events: `${base}:events`,
    queuePrefix: base,
    sessionStream: (sessionId, streamId) =>
      `${base}:sse:${encodeURIComponent(sessionId)}:${encodeURIComponent(streamId)}`,
    sessionStreams: (sessionId) => `${base}:sse-index:${encodeURIComponent(sessionId)}`,
    sessionOwner: (sessionId) => `${base}:session-owner:${encodeURIComponent(sessionId)}`,
    frontEnd: (frontEnd) => `${base}:front-end:${encodeURIComponent(frontEnd)}`,
  };
}
