/**
 * How a session knows when its response streams end, so it can count itself busy until then and idle after: the
 * SDK's transport reporting each response it sends (a POST of requests ends with its last response), and a stream
 * wrapper for the other responses (GET streams, DELETE, `initialize`). Both close a stream at once when its client
 * goes away, so a client can resume it without waiting for the next keep-alive write to reveal the drop.
 */
import {
  type JSONRPCMessage,
  type RequestId,
  type TransportSendOptions,
  WebStandardStreamableHTTPServerTransport,
} from '@modelcontextprotocol/server';

/**
 * A POST whose SSE stream is open: it ends when the transport has sent the response to each of its requests (the
 * transport closes the stream then), or when the client goes away first.
 */
export interface OpenPost {
  /** Its requests not answered yet. */
  readonly waiting: Set<RequestId>;
  ended: boolean;
  readonly signal: AbortSignal;
  readonly onDisconnect: () => void;
}

/**
 * The SDK's sessionful transport, saying when it has sent a response: that is when it closes the POST stream the
 * response went on, so a session knows its streams' ends without reading them (see HttpSessions.posted).
 */
export class SessionTransport extends WebStandardStreamableHTTPServerTransport {
  answered?: (id: RequestId) => void;

  override async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    try {
      await super.send(message, options);
    } finally {
      if ('id' in message && message.id !== undefined && ('result' in message || 'error' in message))
        this.answered?.(message.id);
    }
  }
}

/** The ids of the JSON-RPC requests in a POST body (one message or a batch); `undefined` when it has none. */
export function requestIds(body: unknown): RequestId[] | undefined {
  const ids: RequestId[] = [];
  for (const message of Array.isArray(body) ? body : [body]) {
    if (typeof message !== 'object' || message === null) continue;
    const { id, method } = message as { id?: unknown; method?: unknown };
    if (typeof method === 'string' && (typeof id === 'string' || typeof id === 'number')) ids.push(id);
  }
  return ids.length > 0 ? ids : undefined;
}

/**
 * The same stream, calling `ended` once when it is read to its end, fails, is cancelled, or `disconnected` fires.
 * A disconnect cancels the stream at once: Node's adapter would notice only at the next write (a keep-alive, 15 s
 * later), and the transport should forget the stream as soon as nobody reads it.
 */
export function untilEnded(
  body: ReadableStream<Uint8Array>,
  disconnected: AbortSignal,
  ended: () => void,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let done = false;
  const onDisconnect = () => {
    finish();
    reader.cancel(disconnected.reason).catch(() => undefined);
  };
  const finish = () => {
    if (done) return;
    done = true;
    disconnected.removeEventListener('abort', onDisconnect);
    ended();
  };
  if (disconnected.aborted) onDisconnect();
  else disconnected.addEventListener('abort', onDisconnect, { once: true });
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const chunk = await reader.read();
        if (chunk.done) {
          controller.close();
          finish();
        } else controller.enqueue(chunk.value);
      } catch (error) {
        controller.error(error);
        finish();
      }
    },
    async cancel(reason) {
      finish();
      await reader.cancel(reason);
    },
  });
}
