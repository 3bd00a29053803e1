/** The settings of 2025-11-25 HTTP sessions (the server's `sessions` option), and their defaults. */
import type { ResumableStreamOptions } from './resumable-streams.js';

export interface SessionOptions {
  /**
   * Close a session after this long without a request and without an open stream (default 30 minutes). A running
   * call or an open GET stream keeps it alive; a client that went away stops holding its streams.
   */
  idleTimeoutMs?: number;
  /** Sessions open at once (default 1,000); an `initialize` beyond it answers `503`. */
  maxSessions?: number;
  /**
   * Resumable SSE streams (default on): every event gets an id and is kept in the engine (Redis: shared), so a
   * client reconnecting with `Last-Event-ID` receives what it missed. `false` sends no ids and keeps nothing.
   */
  resumable?: boolean | ResumableStreamOptions;
}

export const SESSION_DEFAULTS = { idleTimeoutMs: 30 * 60_000, maxSessions: 1_000 };
