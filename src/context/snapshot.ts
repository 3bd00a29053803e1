import type { AuthInfo } from '@modelcontextprotocol/server';

/**
 * The caller's context as captured when a task is created, so the handler sees the same caller when it runs later,
 * possibly in another process. Stored as one value per task with the task's expiry.
 */
export interface TaskContextSnapshot {
  /** Format version; readers refuse versions they do not know instead of guessing. */
  v: 1;
  requestId: string | number;
  toolName: string;
  sessionId?: string;
  authInfo?: {
    token: string;
    clientId: string;
    scopes: string[];
    expiresAt?: number;
    extra?: Record<string, unknown>;
  };
}

export function captureSnapshot(input: {
  requestId: string | number;
  toolName: string;
  sessionId?: string;
  authInfo?: AuthInfo;
}): TaskContextSnapshot {
  const snapshot: TaskContextSnapshot = { v: 1, requestId: input.requestId, toolName: input.toolName };
  if (input.sessionId) snapshot.sessionId = input.sessionId;
  if (input.authInfo) {
    const { token, clientId, scopes, expiresAt, extra } = input.authInfo;
    snapshot.authInfo = { token, clientId, scopes, expiresAt, extra };
  }
  return snapshot;
}

export function serializeSnapshot(snapshot: TaskContextSnapshot): string {
  return JSON.stringify(snapshot);
}

/** Parse a stored snapshot. Throws on anything that is not a snapshot this version understands. */
export function parseSnapshot(stored: string): TaskContextSnapshot {
  const value = JSON.parse(stored) as Partial<TaskContextSnapshot>;
  if (value?.v !== 1) throw new Error(`Unsupported task context snapshot version: ${String(value?.v)}.`);
  return value as TaskContextSnapshot;
}

/** The access token to restore in a task: dropped once it has expired (seconds since epoch, as in `AuthInfo`). */
export function restoredAuthInfo(snapshot: TaskContextSnapshot, now = Date.now()): AuthInfo | undefined {
  const auth = snapshot.authInfo;
  if (!auth) return undefined;
  if (auth.expiresAt !== undefined && auth.expiresAt * 1000 <= now) return undefined;
  return { ...auth };
}
