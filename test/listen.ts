/** A raw 2026-07-28 `subscriptions/listen` stream for tests: open it, read its messages one by one, close it. */
import { MODERN, TASKS } from './helpers.js';

export type WireMessage = {
  id?: string | number;
  method?: string;
  params?: Record<string, unknown> & { _meta?: Record<string, unknown> };
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
};

export interface ListenStream {
  status: number;
  contentType: string;
  /** The next message, or `undefined` once the server ended the stream. */
  next(): Promise<WireMessage | undefined>;
  /** Every message up to the end of the stream. */
  rest(): Promise<WireMessage[]>;
  /** Disconnect, as a client that goes away. */
  close(): void;
}

export const SUBSCRIPTION_ID = 'io.modelcontextprotocol/subscriptionId';

/** The task a task notification carries: its params without the subscription's `_meta`. */
export function taskOf(message: WireMessage): Record<string, unknown> {
  const { _meta: _subscription, ...task } = message.params!;
  return task;
}

export async function openListen(
  url: URL,
  notifications: Record<string, unknown>,
  options: { token?: string; declare?: boolean; id?: string | number } = {},
): Promise<ListenStream> {
  const abort = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    signal: abort.signal,
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': MODERN,
      'mcp-method': 'subscriptions/listen',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: options.id ?? 'listen-1',
      method: 'subscriptions/listen',
      params: {
        notifications,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': MODERN,
          'io.modelcontextprotocol/clientInfo': { name: 'raw-listen', version: '1' },
          'io.modelcontextprotocol/clientCapabilities':
            options.declare === false ? {} : { extensions: { [TASKS]: {} } },
        },
      },
    }),
  });
  const contentType = response.headers.get('content-type') ?? '';
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const pending: WireMessage[] = [];
  let buffer = '';
  let ended = false;
  if (!contentType.includes('event-stream')) {
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    pending.push(JSON.parse(text));
    ended = true;
  }
  const next = async (): Promise<WireMessage | undefined> => {
    for (;;) {
      const message = pending.shift();
      if (message) return message;
      if (ended) return undefined;
      const { done, value } = await reader.read();
      if (done) {
        ended = true;
        continue;
      }
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trim())
          .join('\n');
        if (data) pending.push(JSON.parse(data) as WireMessage);
        end = buffer.indexOf('\n\n');
      }
    }
  };
  return {
    status: response.status,
    contentType,
    next,
    async rest() {
      const all: WireMessage[] = [];
      for (let message = await next(); message; message = await next()) all.push(message);
      return all;
    },
    close: () => abort.abort(),
  };
}
