import type { AuthInfo, ClientCapabilities } from '@modelcontextprotocol/server';
import { isExpired } from '../auth/access-token.js';
import type { HttpRequestInfo } from './context.js';

/** The format version this process writes. */
export const SNAPSHOT_VERSION = 2;

interface StoredToken {
  token: string;
  clientId: string;
  scopes: string[];
  expiresAt?: number;
  extra?: Record<string, unknown>;
}

/**
 * The caller's context as captured when a task is created, so the handler sees the same caller when it runs later,
 * possibly in another process. Stored as one value per task with the task's expiry (encrypted when a key is set).
 *
 * Versioning: readers accept every version up to their own and refuse newer ones rather than guessing, so in a
 * rolling deploy workers are upgraded before the front ends that write the new version.
 */
export interface TaskContextSnapshot {
  v: typeof SNAPSHOT_VERSION;
  /** JSON-RPC id of the `tools/call` that created the task. */
  requestId: string | number;
  toolName: string;
  /** The tool's `version` when it declares one; a worker with another version logs the mismatch. */
  toolVersion?: string;
  sessionId?: string;
  authInfo?: StoredToken;
  /** The inbound HTTP request (absent over stdio); headers include credentials, hence encryption at rest. */
  http?: { method: string; url: string; headers: Record<string, string> };
  traceparent?: string;
  tracestate?: string;
  /** What the client declared it can do when it created the task (absent in snapshots written before 0.2). */
  clientCapabilities?: ClientCapabilities;
}

/** Version 1 (taskmcp 0.1): no HTTP request, no trace context, no tool version. */
interface TaskContextSnapshotV1 {
  v: 1;
  requestId: string | number;
  toolName: string;
  sessionId?: string;
  authInfo?: StoredToken;
}

export interface CaptureInput {
  requestId: string | number;
  toolName: string;
  toolVersion?: string;
  sessionId?: string;
  authInfo?: AuthInfo;
  http?: HttpRequestInfo;
  traceparent?: string;
  tracestate?: string;
  clientCapabilities?: ClientCapabilities;
}

export function captureSnapshot(input: CaptureInput): TaskContextSnapshot {
  const snapshot: TaskContextSnapshot = {
    v: SNAPSHOT_VERSION,
    requestId: input.requestId,
    toolName: input.toolName,
  };
  if (input.toolVersion) snapshot.toolVersion = input.toolVersion;
  if (input.sessionId) snapshot.sessionId = input.sessionId;
  if (input.authInfo) {
    const { token, clientId, scopes, expiresAt, extra } = input.authInfo;
    snapshot.authInfo = { token, clientId, scopes, expiresAt, extra };
  }
  if (input.http) {
    const { method, url, headers } = input.http;
    snapshot.http = { method, url, headers: { ...headers } };
  }
  if (input.traceparent) snapshot.traceparent = input.traceparent;
  if (input.tracestate) snapshot.tracestate = input.tracestate;
  if (input.clientCapabilities) snapshot.clientCapabilities = input.clientCapabilities;
  return snapshot;
}

export function serializeSnapshot(snapshot: TaskContextSnapshot): string {
  return JSON.stringify(snapshot);
}

/** Parse a stored snapshot of this or an older version. Throws on anything else. */
export function parseSnapshot(stored: string): TaskContextSnapshot {
  let value: { v?: unknown } | null;
  try {
    value = JSON.parse(stored) as { v?: unknown } | null;
  } catch {
    throw new Error('The stored task context snapshot is not valid JSON (corrupt, or encrypted).');
  }
  switch (value?.v) {
    case 1: {
      const { requestId, toolName, sessionId, authInfo } = value as TaskContextSnapshotV1;
      return { v: SNAPSHOT_VERSION, requestId, toolName, sessionId, authInfo };
    }
    case SNAPSHOT_VERSION:
      return value as TaskContextSnapshot;
    default:
      throw new Error(
        `Unsupported task context snapshot version ${String(value?.v)} (this process reads 1 to ${SNAPSHOT_VERSION}): ` +
          'the task was created by a newer taskmcp; upgrade workers before front ends.',
      );
  }
}

/**
 * The inbound headers to restore in a task. When the caller's token has expired, its `authorization` header goes
 * too: a worker must not hand out a credential that the token check itself just refused.
 */
export function restoredHttp(
  snapshot: TaskContextSnapshot,
  now = Date.now(),
): TaskContextSnapshot['http'] | undefined {
  const http = snapshot.http;
  if (!http) return undefined;
  if (!snapshot.authInfo || !isExpired(snapshot.authInfo, now)) return http;
  const { authorization: _dropped, ...headers } = http.headers;
  return { ...http, headers };
}

/** The access token to restore in a task: dropped once it has expired. */
export function restoredAuthInfo(snapshot: TaskContextSnapshot, now = Date.now()): AuthInfo | undefined {
  const auth = snapshot.authInfo;
  if (!auth || isExpired(auth, now)) return undefined;
  return { ...auth, scopes: [...auth.scopes], extra: auth.extra ? { ...auth.extra } : undefined };
}
