/**
 * Helpers of the code that looks at an HTTP request before the SDK does (the workarounds in sdk-gaps/, the server's
 * routing): a JSON object check, reading a bounded copy of a body so the SDK can still read the request, and a
 * JSON-RPC error answered as an HTTP response.
 */

/** A JSON object: not null, not an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON-RPC error as the HTTP response `status` (the id is unknown unless given, as the SDK answers it). */
export function jsonRpcErrorResponse(
  status: number,
  code: number,
  message: string,
  id: unknown = null,
): Response {
  return Response.json({ jsonrpc: '2.0', id, error: { code, message } }, { status });
}

/** The body as text, or `undefined` once it passes `maxBytes` (a chunked body declares no length up front). */
export async function readAtMost(request: Request, maxBytes: number): Promise<string | undefined> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text + decoder.decode();
      received += value.byteLength;
      if (received > maxBytes) return undefined;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => {}); // drop what this copy has not read; the SDK reads its own
  }
}
