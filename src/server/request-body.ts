/**
 * The MCP endpoint reads and parses a POST body once, here, and hands the parsed message to everything that looks at
 * it: the 2025-11-25 routing (`isLegacyRequest`), the catch of a client's answer to an input request, the task-listen
 * gate, and the SDK's handler as `parsedBody`, so that the SDK neither clones the request nor reads it again.
 * Each of those used to read a clone of its own (`Request.clone()` tees the body stream, which showed in CPU
 * profiles), and a 2025-11-25 body was parsed twice.
 *
 * The bound and the answers for a body that cannot be used are the SDK's (`createMcpHandler` reads with the same
 * bound and answers the same way), so a client sees no difference.
 */
import { DEFAULT_MAX_REQUEST_BODY_SIZE, isJsonContentType } from '@modelcontextprotocol/server';
import { jsonRpcErrorResponse, readAtMost } from '../wire/json-body.js';

/** A request whose body, when it was JSON, has been parsed; or the answer to a body that could not be read. */
export type ReadRequest = { request: Request; parsedBody?: unknown } | { response: Response };

/**
 * `request` with its JSON body parsed. `parsedBody` is absent when there is nothing to parse or the SDK should see
 * the body itself: not a POST, not JSON (the SDK answers 415), a declared length over the bound (413), an empty or
 * malformed body (the SDK's parse error, or on 2025-11-25 its legacy leg); `request` is then still readable.
 */
export async function readRequestBody(request: Request, parsedBody: unknown): Promise<ReadRequest> {
  if (parsedBody !== undefined || request.method.toUpperCase() !== 'POST' || request.body === null) {
    return { request, parsedBody };
  }
  if (!isJsonContentType(request.headers.get('content-type'))) return { request };
  if (Number(request.headers.get('content-length')) > DEFAULT_MAX_REQUEST_BODY_SIZE) return { request };
  let text: string | undefined;
  try {
    text = await readAtMost(request, DEFAULT_MAX_REQUEST_BODY_SIZE);
  } catch {
    return { response: jsonRpcErrorResponse(400, -32700, 'Parse error: the request body could not be read') };
  }
  if (text === undefined) {
    const bound = DEFAULT_MAX_REQUEST_BODY_SIZE;
    return {
      response: jsonRpcErrorResponse(
        413,
        -32000,
        `Payload Too Large: Request body must not exceed ${bound} bytes`,
      ),
    };
  }
  if (text.length > 0) {
    try {
      return { request, parsedBody: JSON.parse(text) };
    } catch {
      // Not JSON: the SDK answers it, from the text as sent.
    }
  }
  // The signal passed on explicitly: the node adapter's requests answer `signal` with the client's
  // (node-json-handler.ts), which `new Request(request)` alone would not follow.
  return { request: new Request(request, { body: text, signal: request.signal }) };
}
