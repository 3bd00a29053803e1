/**
 * Task notifications on `subscriptions/listen` around the SDK's own listen streams.
 *
 * Gap (typescript-sdk #2569, "subscriptions/listen cannot carry extension notifications"): `createMcpHandler` in
 * `@modelcontextprotocol/server` 2.4 answers every 2026-07-28 `subscriptions/listen` itself, from a closed filter of
 * the four core notification types. It drops `taskIds` from the acknowledgement, closes a stream that asks for
 * nothing else at once, and its event bus carries only list changes and resource updates, so no extension can
 * deliver `notifications/tasks` through it.
 *
 * Workaround: a listen request that names task ids is peeked at before the SDK sees it, and still goes through the
 * SDK, which checks it as any other request (protocol version, standard headers, body). The SDK calls the handler's
 * factory for a request only once those checks passed; {@link TaskListenGate.admit} records that, and for an
 * admitted request the SDK's own stream is dropped for taskmcp's. A request the SDK refused keeps the SDK's answer.
 * When the SDK grows an extension seam for listen filters, this module goes.
 */
import type { ProtocolEra } from '@modelcontextprotocol/server';
import { isPlainObject } from '../json-body.js';

/** A listen request body larger than this is left to the SDK (it names at most a thousand task ids). */
const MAX_LISTEN_BYTES = 256 * 1024;

export class TaskListenGate {
  private readonly admitted = new WeakSet<Request>();

  /**
   * Gate the task listens of `era`, the served era with pushed task notifications; `asks` tells its listen requests
   * that name task ids (`TaskListenWire.asks`). Both are given, so this gap names no era folder.
   */
  constructor(
    private readonly era: ProtocolEra,
    private readonly asks: (message: unknown) => boolean,
  ) {}

  /** Call from the `createMcpHandler` factory: the SDK accepted this request, negotiated on `era`. */
  admit(era: ProtocolEra, request: Request | undefined): void {
    if (era === this.era && request) this.admitted.add(request);
  }

  /**
   * Serve `request` (its parsed `body`, read once by the endpoint) through `sdkFetch`, unless it is a
   * `subscriptions/listen` naming task ids that the SDK admitted: then `serve` answers it with the request message.
   */
  async route(
    request: Request,
    body: unknown,
    sdkFetch: (request: Request) => Promise<Response>,
    serve: (message: Record<string, unknown>) => Promise<Response>,
  ): Promise<Response> {
    // Every 2026-07-28 request names its method in a header (the SDK refuses one that disagrees with the body), so
    // other requests' bodies are never read here.
    if (request.method !== 'POST' || request.headers.get('mcp-method') !== 'subscriptions/listen') {
      return sdkFetch(request);
    }
    const message = Number(request.headers.get('content-length')) > MAX_LISTEN_BYTES ? undefined : body;
    if (!isPlainObject(message) || !this.asks(message)) return sdkFetch(request);
    const sdkResponse = await sdkFetch(request);
    if (!this.admitted.has(request)) return sdkResponse;
    // The SDK's stream for this request acknowledged nothing; cancelling it releases its keep-alive and bus listener.
    await sdkResponse.body?.cancel().catch(() => {});
    return serve(message);
  }
}
