/**
 * A task leg that waits on something outside the server (a backend task behind a proxy, a batch job) ends with a
 * continuation instead of sleeping in its handler: the engine stores `requestState` on the task and runs the next
 * leg after `delayMs`, on whichever worker takes it. No worker is held while nothing happens, and the state that
 * says where the outside work is lives in the task's record, so a restarted or different process picks it up.
 *
 * A leg can also end its task `cancelled` (`endCancelled`), for outside work cancelled by someone else.
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

const CANCELLATION = Symbol.for('taskmcp.cancellation');

/**
 * A leg's word that its task was cancelled by something outside it (the outside work it waits on was cancelled by
 * someone else): the task ends `cancelled`, as a cancel request would end it. Thrown errors and error results
 * cannot say this: both end a task `failed` or `completed`.
 */
export interface Cancellation {
  readonly [CANCELLATION]: true;
  /** The task's status message, saying who or what cancelled it. */
  readonly statusMessage: string;
}

/** End this leg's task `cancelled` with `statusMessage`; only a task leg may return this. */
export function endCancelled(statusMessage: string): Cancellation {
  return { [CANCELLATION]: true, statusMessage };
}

export function isCancellation(value: unknown): value is Cancellation {
  return typeof value === 'object' && value !== null && (value as Cancellation)[CANCELLATION] === true;
}
