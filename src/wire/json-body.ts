/**
 * Two helpers of the wire modules that look at a request before the SDK does (the workarounds in sdk-gaps/): a JSON
 * object check, and reading a bounded copy of a body so the SDK can still read the request.
 */

/** A JSON object: not null, not an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
