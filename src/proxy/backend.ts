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
 *
 * A 2025-11-25 backend task's input requests arrive as server→client requests on a `tasks/result` stream. A leg
 * following one does not answer them there: it hands them to the caller and ends, and a later leg (maybe on another
 * worker) sends each answer as the JSON-RPC response to the request's id, on the same session (`answer`). That is
 * how both backends we know route answers: the SDK v1 server resolves the request it sent by that id on that
 * session (and sends each request only once, so asking again is not an option), and a taskmcp backend names the
 * task and input key in the id.
 */
import type { AuthInfo, ClientCapabilities, JSONRPCMessage } from '@modelcontextprotocol/client';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Client } from '../client/client.js';
import { LegacyTasks } from '../client/legacy-tasks.js';
import type { TaskInfo } from '../client/types.js';
import { LEGACY_PROTOCOL_VERSION } from '../protocol.js';
import type { ProxyAuth } from './options.js';

export type Era = 'modern' | 'legacy';

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
  /** Send `result` as the response to the backend's request `id` (sent on an earlier stream of this session). */
  answer(id: RequestId, result: unknown): Promise<void>;
  /** Close; `endSession` also ends the backend's session (kept otherwise, for the proxy task's next leg). */
  close(options: { endSession: boolean }): Promise<void>;
}

/** The bearer token a connection for `authInfo` carries; `undefined` sends none. */
export function bearerFor(auth: ProxyAuth, authInfo: AuthInfo | undefined): string | undefined {
  if (auth === 'none') return undefined;
  if (auth === 'forward') return authInfo?.token;
  return auth.bearer;
}

export type RequestId = string | number;

/** A server→client input request of a 2025-11-25 backend task, as the backend sent it. */
export interface BackendRequest {
  id: RequestId;
  method: string;
  params?: Record<string, unknown>;
}

/**
 * The input requests a proxy task relays, each with the client capability a backend needs to send it. The proxy
 * declares to the backend only the kinds its own caller declared, so a backend never asks the proxy for input the
 * caller cannot give (it refuses the ask itself, -32021, and the proxy mirrors that failure).
 */
const RELAYED = {
  'elicitation/create': 'elicitation',
  'sampling/createMessage': 'sampling',
  'roots/list': 'roots',
} as const;

export const RELAYED_METHODS = Object.keys(RELAYED) as ReadonlyArray<keyof typeof RELAYED>;

/**
 * The input capabilities a proxy task's backend connections declare: those of the relayed kinds the caller
 * declared, as declared (sub-capabilities too); all of them when the caller's are unknown (a task recorded
 * before they were), as the proxy server then asks its caller for any kind.
 */
export function relayedCapabilities(caller: ClientCapabilities | undefined): ClientCapabilities {
  const declared: Record<string, unknown> = {};
  for (const kind of Object.values(RELAYED)) {
    if (!caller) declared[kind] = {};
    else if (caller[kind]) declared[kind] = caller[kind];
  }
  return declared as ClientCapabilities;
}

/**
 * Open a connection for one caller. `onRequest` receives the backend's input requests on this connection
 * (2025-11-25 input), left unanswered for a later `answer`; without it they are refused. `tasks: false` makes plain
 * calls (foreground forwarding); `session` reconnects to a 2025-11-25 session an earlier leg opened, without a
 * handshake.
 */
export async function connectBackend(
  target: BackendTarget,
  authInfo: AuthInfo | undefined,
  options: {
    tasks: boolean;
    era?: Era;
    session?: string;
    onRequest?: (request: BackendRequest) => void;
    /** The input kinds to declare (`relayedCapabilities`); elicitation only by default (foreground calls). */
    inputCapabilities?: ClientCapabilities;
  },
): Promise<BackendConnection> {
  const headers = { ...target.headers };
  const bearer = bearerFor(target.auth, authInfo);
  if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`;
  const reconnecting = options.session !== undefined;
  const declared = options.inputCapabilities ?? { elicitation: {} };
  const refuse = () =>
    Promise.reject(new Error('The proxy does not relay input requests of a foreground call.'));
  const transport = new StreamableHTTPClientTransport(target.url, {
    requestInit: { headers },
    ...(reconnecting ? { sessionId: options.session, protocolVersion: LEGACY_PROTOCOL_VERSION } : {}),
  });
  const era = reconnecting ? 'legacy' : (options.era ?? target.era);
  const client = await Client.connect(
    { transport },
    {
      name: 'taskmcp-proxy',
      era: era === 'auto' ? 'auto' : era,
      tasks: options.tasks,
      // A backend task may only ask for what its client declared, and the proxy relays the ask (so the handlers,
      // reached only by a foreground call's requests, refuse).
      onElicit: declared.elicitation ? refuse : undefined,
      onSample: declared.sampling ? refuse : undefined,
      onListRoots: declared.roots ? refuse : undefined,
      capabilities: declared,
    },
  );
  if (options.onRequest) relayRequests(transport, options.onRequest);
  // A reconnected session skips the handshake, so the SDK client knows no era: its requests go out in the
  // 2025-11-25 form it defaults to, and task methods as explicit-schema requests (LegacyTasks).
  const connectedEra: Era =
    reconnecting || client.protocolVersion === LEGACY_PROTOCOL_VERSION ? 'legacy' : 'modern';
  const legacy = connectedEra === 'legacy' ? new LegacyTasks(client.sdk) : undefined;
  return {
    client,
    era: connectedEra,
    sessionId: transport.sessionId,
    getTask: (taskId, signal) => (legacy ? legacy.get(taskId, signal) : client.getTask(taskId, signal)),
    answer: (id, result) => transport.send({ jsonrpc: '2.0', id, result } as JSONRPCMessage),
    close: async ({ endSession }) => {
      // A sessionful 2025-11-25 backend keeps a session until told to end it (or its own idle timeout).
      if (endSession && transport.sessionId) await transport.terminateSession().catch(() => {});
      await client.close().catch(() => {});
    },
  };
}

/**
 * Hand the backend's input requests to `onRequest` before the SDK client sees them: the SDK would answer each on
 * this connection, and the answer is the caller's, given later (see `answer`).
 */
function relayRequests(
  transport: StreamableHTTPClientTransport,
  onRequest: (request: BackendRequest) => void,
) {
  const deliver = transport.onmessage;
  transport.onmessage = (message: JSONRPCMessage) => {
    if (
      'method' in message &&
      'id' in message &&
      (RELAYED_METHODS as readonly string[]).includes(message.method)
    ) {
      onRequest({ id: message.id, method: message.method, params: message.params });
      return;
    }
    deliver?.call(transport, message);
  };
}
