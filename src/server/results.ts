import type { CallToolResult, InputRequiredResult } from '@modelcontextprotocol/server';
import { isInputRequiredResult } from '@modelcontextprotocol/server';
import { ProtocolError, ToolError } from '../errors.js';
import { isCallToolResult } from '../tasks/types.js';

/**
 * What a tool handler may return. Plain values are converted to a `CallToolResult`:
 * - a string becomes one text block;
 * - `undefined`/`null` becomes an empty result;
 * - a `CallToolResult` (an object with a `content` array) passes through unchanged;
 * - an `inputRequired(...)` result asks the client for input (multi-round-trip in the foreground,
 *   `input_required` status in a task);
 * - any other JSON value becomes a text block with its JSON, plus `structuredContent` when it is an object.
 */
export type ToolReturn =
  | string
  | number
  | boolean
  | null
  | undefined
  | object
  | CallToolResult
  | InputRequiredResult;

export { isCallToolResult, isInputRequiredResult };

/** Convert a handler's return value (other than an input-required result) to a `CallToolResult`. */
export function toCallToolResult(value: unknown): CallToolResult {
  if (value === undefined || value === null) return { content: [] };
  if (typeof value === 'string') return { content: [{ type: 'text', text: value }] };
  if (isCallToolResult(value)) return value;
  const text = JSON.stringify(value);
  if (text === undefined) {
    throw new TypeError(`A tool returned a value that cannot be sent as JSON (${typeof value}).`);
  }
  const result: CallToolResult = { content: [{ type: 'text', text }] };
  if (typeof value === 'object' && !Array.isArray(value)) {
    result.structuredContent = value as Record<string, unknown>;
  }
  return result;
}

/** The `isError` result for an error a handler threw. */
export function errorResult(
  error: unknown,
  options: { maskErrorDetails: boolean; toolName: string },
): CallToolResult {
  const detail = error instanceof Error ? error.message : String(error);
  const text =
    error instanceof ToolError || !options.maskErrorDetails
      ? detail
      : `Error calling tool '${options.toolName}'`;
  return { content: [{ type: 'text', text }], isError: true };
}

/** Protocol faults are re-thrown as JSON-RPC errors; everything else a tool throws becomes an `isError` result. */
export function isProtocolFault(error: unknown): error is ProtocolError {
  return error instanceof ProtocolError;
}
