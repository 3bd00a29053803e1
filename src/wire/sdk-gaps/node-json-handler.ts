/**
 * The node:http adapter of the MCP endpoint: `toNodeHandler` of `@modelcontextprotocol/node` 2.4, except that a JSON
 * POST body is read from the socket and parsed here, once, and handed on as `parsedBody` with a body-less `Request`.
 *
 * Gap: `toWebRequest` always rebuilds the body as a stream-backed `Request` (even when given a `parsedBody`, which it
 * serializes again), and the MCP endpoint then reads that stream back to parse it (request-body.ts): a web stream,
 * its reader and a second UTF-8 decode per request, about 6 % of server CPU in a 2026-07-28 tools/call profile. The
 * SDK has no option to skip it; no upstream issue is filed.
 *
 * Everything the endpoint or the SDK would see differently stays on the SDK's path: a GET or HEAD, a body that is not
 * JSON by its content type, empty, or does not parse goes on as `toWebRequest` builds it, text body and all. The
 * request line, headers, size bound, 413 answer, 500 fallback and response writing are `toNodeHandler`'s (copied
 * below), so a client sees the same bytes; test/server/node-json-handler.test.ts compares both adapters. Two costs
 * of the copy are cut without changing what anyone sees: the request's abort signal is made only when read and is
 * not followed through undici (`NodeRequest`), and a body the server built as a string goes out in one `res.end`
 * instead of through a web stream (text-response.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  DEFAULT_MAX_REQUEST_BODY_SIZE,
  isJsonContentType,
  type McpHandlerRequestOptions,
} from '@modelcontextprotocol/server';
import { textOf } from './text-response.js';

type Fetch = (request: Request, options?: McpHandlerRequestOptions) => Promise<Response>;

/** Thrown while reading a body over the bound; answered with the SDK adapter's 413. */
class BodyTooLarge extends Error {}

/** A node:http handler serving `fetch`, as `toNodeHandler({ fetch })` does, without a stream for a JSON body. */
export function toNodeJsonHandler(
  fetch: Fetch,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const maxBytes = DEFAULT_MAX_REQUEST_BODY_SIZE;
  return async (req, res) => {
    let finished = false;
    const client = new ClientSignal();
    res.on('close', () => {
      if (!finished) client.abort();
    });
    if (res.destroyed) client.abort();
    let response: Response;
    try {
      const { request, parsedBody } = await toRequest(req, client, maxBytes);
      const auth = (req as { auth?: McpHandlerRequestOptions['authInfo'] }).auth;
      response = await fetch(request, {
        ...(auth !== undefined && { authInfo: auth }),
        ...(parsedBody !== undefined && { parsedBody }),
      });
    } catch (error) {
      response =
        error instanceof BodyTooLarge
          ? Response.json(
              {
                jsonrpc: '2.0',
                error: {
                  code: -32000,
                  message: `Payload Too Large: Request body must not exceed ${maxBytes} bytes`,
                },
                id: null,
              },
              { status: 413, headers: { connection: 'close' } },
            )
          : Response.json(
              { jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: null },
              { status: 500 },
            );
    }
    await writeResponse(res, response, client, () => {
      finished = true;
    });
  };
}

/**
 * The request's abort signal, aborted when the client goes away before the answer is written (as `toNodeHandler`'s),
 * but made only when something asks for it (the lean polls never do).
 */
class ClientSignal {
  private controller?: AbortController;
  private aborted = false;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort();
    }
    return this.controller.signal;
  }

  abort(): void {
    this.aborted = true;
    this.controller?.abort();
  }
}

/**
 * A `Request` whose `signal` is the client's. `toNodeHandler` hands undici its own signal to follow, which costs a
 * WeakRef, a finalizer registration and an abort listener per request (about 9 µs, more than the rest of the
 * `Request`); this one answers with the client's signal directly. Undici reads its internal signal in two places:
 * `clone()` follows `this.signal` (so this one), and `new Request(request)` follows the internal one, which never
 * aborts: whoever rebuilds a request from this one passes `signal: request.signal` (request-body.ts does).
 */
class NodeRequest extends Request {
  readonly #client: ClientSignal;

  constructor(url: string, init: RequestInit, client: ClientSignal) {
    super(url, init);
    this.#client = client;
  }

  override get signal(): AbortSignal {
    return this.#client.signal;
  }
}

/** `toWebRequest` of the SDK adapter, with a parsed JSON body instead of a body stream (see the header). */
async function toRequest(
  req: IncomingMessage,
  client: ClientSignal,
  maxBytes: number,
): Promise<{ request: Request; parsedBody?: unknown }> {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = `http://${single(req.headers.host) ?? single(req.headers[':authority']) ?? 'localhost'}${req.url ?? '/'}`;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  if (method === 'GET' || method === 'HEAD')
    return { request: new NodeRequest(url, { method, headers }, client) };
  if (Number(single(req.headers['content-length'])) > maxBytes) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of req as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    received += bytes.byteLength;
    if (received > maxBytes) throw new BodyTooLarge();
    chunks.push(bytes);
  }
  // TextDecoder as the SDK adapter decodes (a leading BOM dropped, invalid sequences replaced).
  const text = new TextDecoder().decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
  if (text.length === 0) return { request: new NodeRequest(url, { method, headers }, client) };
  if (isJsonContentType(headers.get('content-type'))) {
    try {
      return { request: new NodeRequest(url, { method, headers }, client), parsedBody: JSON.parse(text) };
    } catch {
      // Not JSON: the SDK answers it from the text as sent.
    }
  }
  return { request: new NodeRequest(url, { method, headers, body: text }, client) };
}

/** `toNodeHandler`'s response writing: the headers, then the body chunk by chunk, waiting on drain, until aborted. */
async function writeResponse(
  res: ServerResponse,
  response: Response,
  client: ClientSignal,
  beforeEnd: () => void,
): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  // A body the server built as a string (text-response.ts) goes out with the headers in one write: the same bytes.
  const text = textOf(response);
  if (text !== undefined) {
    beforeEnd();
    res.end(text);
    return;
  }
  if (response.body === null) {
    beforeEnd();
    res.end();
    return;
  }
  const { signal } = client;
  let drained: (() => void) | undefined;
  res.on('drain', () => {
    drained?.();
    drained = undefined;
  });
  const closed = new Promise<void>((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  const reader = response.body.getReader();
  let done = false;
  try {
    for (;;) {
      const read = await reader.read();
      done = read.done;
      if (done || signal.aborted) break;
      if (!res.write(read.value))
        await Promise.race([new Promise<void>((resolve) => (drained = resolve)), closed]);
    }
  } catch {
    // The body failed mid-stream: end what was sent, as the SDK adapter does.
  }
  // Leaving early (the client went away) cancels the body, as leaving the SDK adapter's for-await does.
  if (!done) reader.cancel().catch(() => {});
  beforeEnd();
  res.end();
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
