/**
 * Task notifications on `subscriptions/listen` over stdio, around the SDK's own listen router.
 *
 * Gap (typescript-sdk #2569, "subscriptions/listen cannot carry extension notifications"): `serveStdio` in
 * `@modelcontextprotocol/server` 2.4 answers every 2026-07-28 `subscriptions/listen` at its entry, before the server
 * instance sees it, from the closed filter of the four core notification types: it acknowledges no `taskIds`, and
 * it routes only list changes and resource updates onto its subscriptions, so no extension can deliver
 * `notifications/tasks` through it.
 *
 * Workaround: the entry is handed a transport that wraps the real one. A listen request naming task ids still goes
 * to the SDK, which checks it as any other (the per-request envelope, the protocol revision, its subscription
 * bound, and that the connection is a 2026-07-28 one at all). Its acknowledgement, the sign it accepted the request,
 * is held back and the SDK's subscription cancelled (it would only ever carry what the client did not ask for); the
 * request is then served by taskmcp's subscription on the same connection. A request the SDK refused keeps the
 * SDK's answer. The client's `notifications/cancelled` for a subscription of ours ends it here. When the SDK grows an
 * extension seam for listen filters, this module goes.
 */
import type {
  JSONRPCMessage,
  MessageExtraInfo,
  Transport,
  TransportSendOptions,
} from '@modelcontextprotocol/server';
import { SUBSCRIPTION_ID_META_KEY } from '@modelcontextprotocol/server';
import { isPlainObject } from '../json-body.js';

type RequestId = string | number;

/** Ends a subscription served here: silently, the client cancelled it or has gone. */
export type EndStdioTaskListen = () => void;

/**
 * Serve a listen request the SDK accepted, sending over `send`; resolves with how to end it, or `undefined` when it
 * was answered at once (an error response). Call `ended` once the subscription is over, however it ended.
 */
export type ServeStdioTaskListen = (
  message: Record<string, unknown>,
  send: (message: Record<string, unknown>) => Promise<void>,
  ended: () => void,
) => Promise<EndStdioTaskListen | undefined>;

/**
 * A stdio transport whose task listens, the listen requests for which `asks` holds (`TaskListenWire.asks`, given so
 * this gap names no era folder), are served by `serve` (see the module comment). Hand it to `serveStdio`.
 */
export function withTaskListens(
  wire: Transport,
  asks: (message: unknown) => boolean,
  serve: ServeStdioTaskListen,
): Transport {
  return new TaskListenTransport(wire, asks, serve);
}

/** One listen request naming task ids, from the SDK's check until it ends. */
interface Listen {
  request: Record<string, unknown>;
  /** The client cancelled it, or has gone, before it was open. */
  cancelled: boolean;
  /** Set once ours is open. */
  end?: EndStdioTaskListen;
}

class TaskListenTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];
  /** Listen requests naming task ids, by JSON-RPC id. */
  private readonly listens = new Map<RequestId, Listen>();

  constructor(
    private readonly wire: Transport,
    private readonly asks: (message: unknown) => boolean,
    private readonly serve: ServeStdioTaskListen,
  ) {
    wire.onmessage = (message, extra) => this.receive(message, extra);
    wire.onerror = (error) => this.onerror?.(error);
    wire.onclose = () => {
      // The client has gone: nothing is left to tell it, and the watches go with its subscriptions.
      const listens = [...this.listens.values()];
      this.listens.clear();
      for (const listen of listens) {
        if (listen.end) listen.end();
        else listen.cancelled = true;
      }
      this.onclose?.();
    };
  }

  get sessionId(): string | undefined {
    return this.wire.sessionId;
  }

  setProtocolVersion = (version: string): void => {
    this.wire.setProtocolVersion?.(version);
  };

  start(): Promise<void> {
    return this.wire.start();
  }

  close(): Promise<void> {
    return this.wire.close();
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const acknowledged = this.acknowledgedListen(message);
    if (acknowledged !== undefined) {
      this.takeOver(acknowledged);
      return Promise.resolve();
    }
    // The SDK refused a listen request (or the connection is a 2025-11-25 one, without listens): its answer stands.
    if ('id' in message && !('method' in message) && message.id !== undefined) {
      const listen = this.listens.get(message.id);
      if (listen && !listen.end) this.listens.delete(message.id);
    }
    return this.wire.send(message, options);
  }

  private receive(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    if ('method' in message && 'id' in message && this.asks(message)) {
      // A reused id of a subscription still open is the SDK's to refuse, or not; ours goes on either way.
      if (!this.listens.has(message.id)) {
        this.listens.set(message.id, { request: message as Record<string, unknown>, cancelled: false });
      }
    } else if ('method' in message && !('id' in message) && message.method === 'notifications/cancelled') {
      const requestId = isPlainObject(message.params) ? message.params.requestId : undefined;
      const listen =
        typeof requestId === 'string' || typeof requestId === 'number'
          ? this.listens.get(requestId)
          : undefined;
      if (listen?.end) {
        this.listens.delete(requestId as RequestId);
        listen.end();
        return;
      }
      // Not open yet: it will not be, and the SDK, which sees this cancel after the request, drops its own.
      if (listen) listen.cancelled = true;
    }
    this.onmessage?.(message, extra);
  }

  /** The id of a listen request naming task ids that `message`, the SDK's acknowledgement of it, accepts. */
  private acknowledgedListen(message: JSONRPCMessage): RequestId | undefined {
    if (!('method' in message) || 'id' in message) return undefined;
    if (message.method !== 'notifications/subscriptions/acknowledged') return undefined;
    const meta = isPlainObject(message.params) ? message.params._meta : undefined;
    const id = isPlainObject(meta) ? meta[SUBSCRIPTION_ID_META_KEY] : undefined;
    if (typeof id !== 'string' && typeof id !== 'number') return undefined;
    const listen = this.listens.get(id);
    return listen && !listen.end ? id : undefined;
  }

  /** The SDK accepted listen request `id`: drop its subscription, and serve ours instead. */
  private takeOver(id: RequestId): void {
    const listen = this.listens.get(id)!;
    if (listen.cancelled) {
      this.listens.delete(id);
      return;
    }
    // Answered by the SDK's entry itself (it never reaches the server instance), with nothing on the wire.
    this.onmessage?.({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id } });
    const ended = () => {
      if (this.listens.get(id) === listen) this.listens.delete(id);
    };
    this.serve(listen.request, (reply) => this.wire.send(reply as JSONRPCMessage), ended).then(
      (end) => {
        if (!end) return ended();
        if (listen.cancelled) end();
        else listen.end = end;
      },
      (error: unknown) => {
        ended();
        this.onerror?.(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }
}
