/**
 * Connections to the proxied HTTP server, one per call or task leg, each carrying one caller's credential.
 *
 * A connection is never shared between calls: with `auth: 'forward'` a shared one would carry one caller's token
 * into another caller's request, and the per-leg input handler (2025-11-25 input arrives as server→client requests
 * on the `tasks/result` stream) is state of that leg alone. Opening one costs an initialize round trip on
 * 2025-11-25 (none on stateless 2026-07-28); the proxy's tests measure it.
 *
 * A sessionful 2025-11-25 backend may tie each task to the HTTP session that created it (the SDK v1 experimental
 * tasks server does: another session gets "Task not found"). So the legs of one proxy task share the session its
 * first leg opened: its id is kept in the proxy task's record, each later leg reconnects to it without a handshake,
 * and the leg that sees the backend task end closes it.
 */
import { createHash } from 'node:crypto';
import type { AuthInfo, ElicitRequest, ElicitResult, JSONRPCMessage } from '@modelcontextprotocol/client';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Client } from '../client/client.js';
import { LegacyTasks } from '../client/legacy-tasks.js';
import type { TaskInfo } from '../client/types.js';
import type { ProxyAuth } from './options.js';

export type Era = 'modern' | 'legacy';

export const LEGACY_VERSION = '2025-11-25';

/** Where the backend is and which credential each connection carries. */
export interface BackendTarget {
  url: URL;
  headers: Record<string, string>;
  auth: ProxyAuth;
  /** Pinned once known, so every leg of a task talks the era its backend task was created on. */
  era: 'auto' | Era;
}

export interface BackendConnection {
  client: Client;
  era: Era;
  /** The backend's HTTP session, when it keeps one (sessionful 2025-11-25). */
  sessionId: string | undefined;
  /** `tasks/get` in this connection's era, a reconnected session's too (its SDK client never negotiated one). */
  getTask(taskId: string, signal?: AbortSignal): Promise<TaskInfo>;
  /** Resolves when every answer given to the backend's requests so far has been sent: true if all arrived. */
  answersSent(): Promise<boolean>;
  /** Close; `endSession` also ends the backend's session (kept otherwise, for the proxy task's next leg). */
  close(options: { endSession: boolean }): Promise<void>;
}

/** The bearer token a connection for `authInfo` carries; `undefined` sends none. */
export function bearerFor(auth: ProxyAuth, authInfo: AuthInfo | undefined): string | undefined {
  if (auth === 'none') return undefined;
  if (auth === 'forward') return authInfo?.token;
  return auth.bearer;
}

/**
 * Open a connection for one caller. `onElicit` answers the backend's elicitation requests on this connection
 * (2025-11-25 input); `tasks: false` makes plain calls (foreground forwarding); `session` reconnects to a
 * 2025-11-25 session an earlier leg opened, without a handshake.
 */
export async function connectBackend(
  target: BackendTarget,
  authInfo: AuthInfo | undefined,
  options: {
    tasks: boolean;
    era?: Era;
    session?: string;
    onElicit?: (params: ElicitRequest['params']) => Promise<ElicitResult>;
  },
): Promise<BackendConnection> {
  const headers = { ...target.headers };
  const bearer = bearerFor(target.auth, authInfo);
  if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`;
  const reconnecting = options.session !== undefined;
  const transport = new StreamableHTTPClientTransport(target.url, {
    requestInit: { headers },
    ...(reconnecting ? { sessionId: options.session, protocolVersion: LEGACY_VERSION } : {}),
  });
  const sending = trackAnswers(transport);
  const era = reconnecting ? 'legacy' : (options.era ?? target.era);
  const client = await Client.connect(
    { transport },
    {
      name: 'taskmcp-proxy',
      era: era === 'auto' ? 'auto' : era,
      tasks: options.tasks,
      // Declared always: a backend task may only ask for what its client declared, and the proxy relays the ask.
      onElicit:
        options.onElicit ??
        (() => Promise.reject(new Error('The proxy does not relay input requests of a foreground call.'))),
    },
  );
  // A reconnected session skips the handshake, so the SDK client knows no era: its requests go out in the
  // 2025-11-25 form it defaults to, and task methods as explicit-schema requests (LegacyTasks).
  const connectedEra: Era = reconnecting || client.protocolVersion === LEGACY_VERSION ? 'legacy' : 'modern';
  const legacy = connectedEra === 'legacy' ? new LegacyTasks(client.sdk) : undefined;
  return {
    client,
    era: connectedEra,
    sessionId: transport.sessionId,
    getTask: (taskId, signal) => (legacy ? legacy.get(taskId, signal) : client.getTask(taskId, signal)),
    answersSent: () => Promise.all([...sending]).then((sent) => sent.every(Boolean)),
    close: async ({ endSession }) => {
      // A sessionful 2025-11-25 backend keeps a session until told to end it (or its own idle timeout).
      if (endSession && transport.sessionId) await transport.terminateSession().catch(() => {});
      await client.close().catch(() => {});
    },
  };
}

/** The sends of responses to the backend's requests on `transport`, each resolving to whether it arrived. */
function trackAnswers(transport: StreamableHTTPClientTransport): Set<Promise<boolean>> {
  const sends = new Set<Promise<boolean>>();
  const send = transport.send.bind(transport);
  transport.send = (message: JSONRPCMessage, options) => {
    const sent = send(message, options);
    if ('id' in message && ('result' in message || 'error' in message)) {
      sends.add(
        sent.then(
          () => true,
          () => false,
        ),
      );
    }
    return sent;
  };
  return sends;
}

/**
 * A stable name for an input request the backend sends on its `tasks/result` stream: the same request asked again
 * on a later stream gets the same name, so an answer collected by the proxy finds it (the request id is not stable
 * across streams on every backend).
 */
export function requestFingerprint(method: string, params: Record<string, unknown> | undefined): string {
  const { _meta: _ignored, ...rest } = params ?? {};
  const digest = createHash('sha256').update(method).update('\u0000').update(stableJson(rest)).digest();
  return `in-${digest.subarray(0, 12).toString('base64url')}`;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
