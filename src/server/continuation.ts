/**
 * A task leg that waits on something outside the server (a backend task behind a proxy, a batch job) ends with a
 * continuation instead of sleeping in its handler: the engine stores `requestState` on the task and runs the next
 * leg after `delayMs`, on whichever worker takes it. No worker is held while nothing happens, and the state that
 * says where the outside work is lives in the task's record, so a restarted or different process picks it up.
 *
 * Internal for now: the proxy (src/proxy) is its only user.
 */

const CONTINUATION = Symbol.for('taskmcp.continuation');

export interface Continuation {
  readonly [CONTINUATION]: true;
  /** Seen by the next leg as `ctx.requestState`. */
  readonly requestState: string;
  /** How long the next leg waits in the queue. */
  readonly delayMs: number;
  /** The task's status message until the next leg ends (`undefined` clears it). */
  readonly statusMessage?: string;
}

/** End this leg and run the next one after `delayMs`, seeing `requestState`; only a task leg may return this. */
export function continueLater(options: {
  requestState: string;
  delayMs: number;
  statusMessage?: string;
}): Continuation {
  return { [CONTINUATION]: true, ...options };
}

export function isContinuation(value: unknown): value is Continuation {
  return typeof value === 'object' && value !== null && (value as Continuation)[CONTINUATION] === true;
}
