/**
 * The seam that lets several front ends share 2025-11-25 HTTP sessions without a sticky load balancer. A session is
 * an SDK server and transport living in one process (its owner); a request for it that reaches another front end is
 * relayed to the owner and the answer relayed back (src/server/session-forwarding.ts). This seam is the two things
 * that needs from the engine: a directory (session id → owning front end, expiring unless the owner keeps it fresh)
 * and one message channel per front end.
 *
 * Only a distributed engine has one: with the memory engine every session lives in the one process that can reach
 * the engine, so there is nothing to route (`TaskEngine.sessionRelay()` is `undefined`).
 */
export interface SessionRelay {
  /** Record that front end `owner` holds `sessionId`, for `ttlMs` unless claimed again. */
  claim(sessionId: string, owner: string, ttlMs: number): Promise<void>;
  /** Extend the claims of every one of `sessionIds` (the owner still holds them) to `ttlMs`. */
  refresh(sessionIds: readonly string[], ttlMs: number): Promise<void>;
  /** The front end holding `sessionId`, or `null` when none does (never claimed, released, or expired). */
  ownerOf(sessionId: string): Promise<string | null>;
  /** Forget the claim on `sessionId` (the session ended, or its owner is gone). */
  release(sessionId: string): Promise<void>;
  /**
   * Receive the messages sent to front end `frontEnd`, in the order each sender sent them. Resolves once messages
   * sent afterwards are delivered; the returned function stops it.
   */
  listen(frontEnd: string, onMessage: (message: string) => void): Promise<() => Promise<void>>;
  /**
   * Send `message` to front end `frontEnd`; resolves to whether a listener got it. Fire-and-forget: `false` means
   * nobody listens there (the front end is gone), and nothing is kept for later.
   */
  send(frontEnd: string, message: string): Promise<boolean>;
}
