/**
 * Every place the taskmcp client works around `@modelcontextprotocol/client` 2.4 not implementing the tasks wire.
 * Delete this module when the SDK ships its tasks client extension (typescript-sdk #2189; draft PR #2782).
 */
import type { CallToolResult, JSONRPCMessage, Transport } from '@modelcontextprotocol/client';

/** Where a rewritten `CreateTaskResult` travels inside the `CallToolResult` the SDK lets through. */
export const CREATE_TASK_RESULT_META = 'taskmcp.dev/createTaskResult';

/**
 * Let `CreateTaskResult` responses through the SDK client, and show `observe` every message first.
 *
 * Gap: the SDK's 2026-07-28 codec discriminates on the raw `resultType` before any schema is applied, so a
 * `resultType: "task"` answer to `tools/call` becomes `SdkError(UnsupportedResultType)`, even on the explicit-schema
 * request path. This wraps the transport and rewrites such a response into an empty `CallToolResult` that carries the
 * original under `_meta[CREATE_TASK_RESULT_META]`; {@link createTaskResultOf} reads it back.
 *
 * Gap (typescript-sdk #2569): the SDK client's `listen()` validates the acknowledgement against the closed core
 * filter, dropping its `taskIds`, and never delivers `notifications/tasks` to a handler; `observe` reads both off the
 * wire (see `task-listen.ts`) while the SDK still runs the subscription itself.
 */
export function acceptTaskResults<T extends Transport>(
  transport: T,
  observe?: (message: JSONRPCMessage) => void,
): T {
  return new Proxy(transport, {
    set(target, property, value) {
      if (property === 'onmessage' && typeof value === 'function') {
        const deliver = value as NonNullable<Transport['onmessage']>;
        target.onmessage = (message, extra) => {
          observe?.(message);
          deliver(rewriteTaskResult(message), extra);
        };
        return true;
      }
      return Reflect.set(target, property, value);
    },
    get(target, property) {
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function rewriteTaskResult<M extends JSONRPCMessage>(message: M): M {
  const result = (message as { result?: Record<string, unknown> }).result;
  if (result?.resultType !== 'task') return message;
  // The server SDK pads the flat result with `content: []` (its own gap); it is not part of the task.
  const { content: _padding, _meta: _ignored, ...task } = result;
  return {
    ...message,
    result: { resultType: 'complete', content: [], _meta: { [CREATE_TASK_RESULT_META]: task } },
  } as M;
}

/** The `CreateTaskResult` a tools/call answered with, or `undefined` for an ordinary result. */
export function createTaskResultOf(result: CallToolResult): Record<string, unknown> | undefined {
  const task = result._meta?.[CREATE_TASK_RESULT_META];
  return task && typeof task === 'object' ? (task as Record<string, unknown>) : undefined;
}
