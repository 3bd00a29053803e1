/**
 * In-task input on the 2025-11-25 era. A task that needs input is `input_required`; the client is expected to call
 * `tasks/result`, and the server sends its requests (`elicitation/create`, `sampling/createMessage`, …) to the
 * client on that stream, tagged with the related-task `_meta`. Each answer goes to the engine exactly like a
 * 2026-07-28 `tasks/update`, so the task resumes wherever it runs.
 *
 * How the answer comes back depends on the stream. On a connection (stdio) it returns to the same SDK server, which
 * awaits it. Over HTTP the SDK serves this era statelessly: the client POSTs its answer as a new HTTP request that
 * any front end may receive, and no SDK server is waiting for it. So on HTTP the request id names the task and the
 * input key (see {@link inputRequestId}), and whichever front end receives the answer delivers it to the engine
 * ({@link acceptInputAnswer}).
 */
import type { AuthInfo, McpServer, ServerContext } from '@modelcontextprotocol/server';
import { abbreviate, jsonKind, ProtocolErrorCode } from '../../errors.js';
import type { InputRequestEntry, TaskRecord } from '../../tasks/types.js';
import type { ServingUnit, TaskOperations, WireLogger } from '../era.js';
import { isPlainObject } from '../json-body.js';
import { jsonRpcResponseIn, sendTaskRequest, writeOnRequestStream } from '../sdk-gaps/index.js';
import { relatedTaskMeta } from './shapes.js';

const ID_PREFIX = 'taskmcp-input';

/** The JSON-RPC id of an input request sent over stateless HTTP: it says where the answer goes. */
export function inputRequestId(taskId: string, key: string): string {
  // Task ids and input keys are base64url, so '/' cannot occur inside them.
  return `${ID_PREFIX}/${taskId}/${key}`;
}

function parseInputRequestId(id: unknown): { taskId: string; key: string } | undefined {
  if (typeof id !== 'string') return undefined;
  const [prefix, taskId, key, ...rest] = id.split('/');
  if (prefix !== ID_PREFIX || !taskId || !key || rest.length > 0) return undefined;
  return { taskId, key };
}

/** Asks the client, on one `tasks/result` stream, each outstanding input request of a task once. */
export class InputForwarder {
  private readonly asked = new Set<string>();

  constructor(
    private readonly tasks: TaskOperations,
    private readonly server: McpServer,
    private readonly ctx: ServerContext,
    private readonly unit: ServingUnit,
    private readonly log: WireLogger,
  ) {}

  /** Send the requests of `record` not asked yet on this stream. */
  forward(record: TaskRecord): void {
    for (const [key, entry] of Object.entries(record.inputRequests ?? {})) {
      if (this.asked.has(key)) continue;
      this.asked.add(key);
      void this.ask(record.taskId, key, entry).catch((error: Error) => {
        // Still outstanding, but not asked again on this stream (a client that cannot answer would be asked in a
        // loop); the next tasks/result stream asks again.
        this.log('warning', `task ${record.taskId}: ${entry.method} to the client failed: ${error.message}`);
      });
    }
  }

  private async ask(taskId: string, key: string, entry: InputRequestEntry): Promise<void> {
    const meta = entry.params?._meta as Record<string, unknown> | undefined;
    const params = { ...entry.params, _meta: { ...meta, ...relatedTaskMeta(taskId) } };
    if (this.unit === 'connection') {
      const answer = await sendTaskRequest(this.ctx, entry.method, params);
      await this.tasks.answer(taskId, { [key]: answer }, this.ctx.http?.authInfo);
      return;
    }
    await writeOnRequestStream(this.server, this.ctx, {
      jsonrpc: '2.0',
      id: inputRequestId(taskId, key),
      method: entry.method,
      params,
    });
  }
}

/**
 * If `request` (its parsed `body`) is a client's answer to an input request sent over stateless HTTP, deliver it to
 * the task (bound to the caller, like every task operation) and return the `202 Accepted` the transport would have
 * answered; otherwise `undefined`, and the request goes to the SDK as usual.
 */
export async function acceptInputAnswer(
  request: Request,
  body: unknown,
  authInfo: AuthInfo | undefined,
  tasks: TaskOperations,
  log: WireLogger,
): Promise<Response | undefined> {
  const response = jsonRpcResponseIn(request, body);
  const target = response && parseInputRequestId(response.id);
  if (!response || !target) return undefined;
  if ('result' in response) {
    if (!isPlainObject(response.result)) return malformedAnswer(target, response.result);
    await tasks
      .answer(target.taskId, { [target.key]: response.result }, authInfo)
      .catch((error: Error) =>
        log('debug', `input answer for ${target.taskId} not delivered: ${error.message}`),
      );
  } else {
    if (!isPlainObject(response.error)) return undefined; // not a JSON-RPC error response: the SDK answers it
    // The request stays outstanding; a later tasks/result asks again.
    log(
      'warning',
      `task ${target.taskId}: the client answered an input request with an error`,
      response.error,
    );
  }
  return new Response(null, { status: 202 });
}

/** `400` with -32602: an answer whose `result` is not an object (null, a string, an array) answers nothing. */
function malformedAnswer(target: { taskId: string; key: string }, result: unknown): Response {
  const message =
    `The answer to input request '${abbreviate(target.key)}' of task ${abbreviate(target.taskId)} must be the ` +
    `client's result object (an ElicitResult, CreateMessageResult or ListRootsResult), not ${jsonKind(result)}.`;
  return Response.json(
    { jsonrpc: '2.0', id: null, error: { code: ProtocolErrorCode.InvalidParams, message } },
    { status: 400 },
  );
}
