import {
  MissingRequiredClientCapabilityError,
  ProtocolError,
  ProtocolErrorCode,
} from '@modelcontextprotocol/server';

export { ProtocolError, ProtocolErrorCode };

import { TASKS_EXTENSION } from './protocol.js';

export { TASKS_EXTENSION };

/** JSON-RPC error codes used by taskmcp beyond the SDK's {@link ProtocolErrorCode}. */
export const TaskErrorCode = {
  /** The tool's `timeoutMs` elapsed (the same code the SDK uses for request timeouts). */
  Timeout: -32001,
  /** A bound on the tasks kept at once (per principal or in all) was reached; nothing was created. */
  TooManyTasks: -32010,
  /** The task engine's store cannot be reached right now; the request did nothing and may be retried. */
  EngineUnavailable: -32011,
  /** The caller's token lacks a scope the call needs (`requireScopes` middleware); `data.missingScopes` lists them. */
  InsufficientScope: -32012,
  /** The caller made too many calls in the window (`rateLimit` middleware); `data.retryAfterMs` says when to retry. */
  RateLimited: -32013,
} as const;

/**
 * An error whose message is meant for the caller. Throwing it from a tool handler produces an
 * `isError: true` result carrying the message verbatim, both in the foreground and in a task.
 *
 * Any other thrown `Error` produces the same kind of result (with its message, unless the server masks
 * error details); throw a {@link ProtocolError} instead to fail the call with a JSON-RPC error.
 */
export class ToolError extends Error {
  override readonly name = 'ToolError';
}

/**
 * The answer for a task id that does not exist, has expired, or belongs to someone else. One message for all
 * three on purpose: a caller must not learn whether another principal's task exists.
 */
export function taskNotFound(taskId: string): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.InvalidParams, `Task not found: ${taskId}`);
}

/** `-32021` with the `requiredCapabilities` data the tasks extension prescribes. */
export function tasksExtensionRequired(message: string): ProtocolError {
  return new MissingRequiredClientCapabilityError(
    { requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } },
    message,
  );
}

/** A JSON-RPC error object as stored for a failed task and shown by `tasks/get`. */
export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export function toJsonRpcError(error: ProtocolError): JsonRpcErrorObject {
  return error.data === undefined
    ? { code: error.code, message: error.message }
    : { code: error.code, message: error.message, data: error.data };
}

/** A client-sent string as quoted in an error message: cut to `max` characters, so a huge value is not echoed whole. */
export function abbreviate(text: string, max = 64): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** What kind of JSON value `value` is, as an error message says it ("null", "an array", "a string"). */
export function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
