/**
 * A tool may ask the client only for the kinds of input the client declared it can give (SEP-2322; the tasks
 * extension repeats it for `inputRequests`): elicitation, sampling, roots. Asking for another kind is a protocol
 * fault of the call, answered `-32021` with the capabilities that were missing, in the foreground and in a task.
 */
import { type ClientCapabilities, MissingRequiredClientCapabilityError } from '@modelcontextprotocol/server';

interface InputRequest {
  method: string;
  params?: Record<string, unknown>;
}

/**
 * The capabilities `inputRequests` need and the client did not declare, or `undefined` when nothing is missing or
 * the client's capabilities are unknown (a task created before they were recorded).
 */
export function missingInputCapabilities(
  inputRequests: Readonly<Record<string, InputRequest>>,
  declared: ClientCapabilities | undefined,
): ClientCapabilities | undefined {
  if (!declared) return undefined;
  const missing: Record<string, Record<string, unknown>> = {};
  for (const { method, params } of Object.values(inputRequests)) {
    if (method === 'elicitation/create') {
      // An empty `elicitation` capability means form mode only; URL mode needs `elicitation.url`.
      const url = params?.mode === 'url';
      if (!declared.elicitation) missing.elicitation = url ? { url: {} } : {};
      else if (url && !(declared.elicitation as Record<string, unknown>).url)
        missing.elicitation = { url: {} };
    } else if (method === 'sampling/createMessage') {
      if (!declared.sampling) missing.sampling = {};
    } else if (method === 'roots/list') {
      if (!declared.roots) missing.roots = {};
    }
  }
  return Object.keys(missing).length > 0 ? (missing as ClientCapabilities) : undefined;
}

export function undeclaredInputError(
  toolName: string,
  missing: ClientCapabilities,
): MissingRequiredClientCapabilityError {
  return new MissingRequiredClientCapabilityError(
    { requiredCapabilities: missing },
    `Tool '${toolName}' asks for input the client did not declare it can give (${Object.keys(missing).join(', ')}).`,
  );
}
