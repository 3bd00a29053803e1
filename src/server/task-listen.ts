/**
 * Pushed task notifications over Streamable HTTP on 2026-07-28: the `subscriptions/listen` requests that name task
 * ids, bound to the caller. The stream itself is the wire's (`wire/modern/task-listen.ts`); getting the requests
 * past the SDK is a gap of its own (`wire/sdk-gaps/task-listen.ts`). Changes reach the stream through the task
 * engine's watch, which follows the engine's event bus, so a task running in a worker process is reported by
 * whichever front end holds the stream.
 */
import type { AuthInfo } from '@modelcontextprotocol/server';
import { ProtocolError, ProtocolErrorCode, toJsonRpcError } from '../errors.js';
import { openTaskListen, readTaskListen, type TaskListenPort } from '../wire/modern/task-listen.js';
import { TaskListenGate } from '../wire/sdk-gaps/index.js';
import type { ServerInternals } from './sdk-server.js';
import type { TaskService } from './task-service.js';

/** Task subscriptions one server holds open at once (the SDK bounds its own listen streams the same way). */
export const MAX_OPEN_TASK_LISTENS = 1_024;

/** How long closing waits for streams whose client stopped reading. */
const CLOSE_WAIT_MS = 2_000;

export class TaskListens {
  /** Record in the HTTP handler's factory which requests the SDK accepted (see {@link TaskListenGate}). */
  readonly gate = new TaskListenGate();
  private open = 0;
  /** Resolves when the stream is over, per open stream. */
  private readonly streams = new Set<Promise<void>>();

  constructor(private readonly internals: () => Promise<ServerInternals>) {}

  /**
   * Answer `request` (its parsed `body`) with a task subscription when it asks for one; pass it to `sdkFetch`
   * otherwise.
   */
  handle(
    request: Request,
    body: unknown,
    authInfo: AuthInfo | undefined,
    sdkFetch: (request: Request) => Promise<Response>,
  ): Promise<Response> {
    return this.gate.route(request, body, sdkFetch, (message) =>
      this.serve(message, request.signal, authInfo),
    );
  }

  /**
   * Once the server is shutting down (its streams end gracefully then): wait until every open stream has handed its
   * client the subscription's result, so closing the HTTP server does not cut it off. A client that stopped reading
   * is given up on after {@link CLOSE_WAIT_MS}.
   */
  async untilEnded(): Promise<void> {
    if (this.streams.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const givingUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_WAIT_MS);
    });
    await Promise.race([Promise.all(this.streams), givingUp]);
    clearTimeout(timer);
  }

  private async serve(
    message: Record<string, unknown>,
    disconnected: AbortSignal,
    authInfo: AuthInfo | undefined,
  ): Promise<Response> {
    const { tasks, shutdown, info } = await this.internals();
    try {
      const listen = readTaskListen(message);
      if (this.open >= MAX_OPEN_TASK_LISTENS) {
        throw new ProtocolError(
          ProtocolErrorCode.InternalError,
          `Too many open task subscriptions on this server (at most ${MAX_OPEN_TASK_LISTENS}): close one, or poll tasks/get.`,
        );
      }
      this.open++;
      let ended = () => {};
      const over = new Promise<void>((resolve) => {
        ended = resolve;
      });
      this.streams.add(over);
      void over.then(() => this.streams.delete(over));
      let counted = true;
      const release = () => {
        if (counted) this.open--;
        counted = false;
        // The HTTP adapter ends the response in the microtasks after the stream closes; let it, before saying so.
        setImmediate(ended);
      };
      try {
        return await openTaskListen(listen, ownTasks(tasks, authInfo), {
          disconnected,
          shutdown,
          serverInfo: { name: info.name, version: info.version },
          onEnd: release,
        });
      } catch (error) {
        release();
        throw error;
      }
    } catch (error) {
      if (error instanceof ProtocolError) return errorResponse(message.id, error);
      throw error;
    }
  }
}

/** The caller's tasks: another principal's task is not found, as everywhere else. */
function ownTasks(tasks: TaskService, authInfo: AuthInfo | undefined): TaskListenPort {
  return {
    async find(taskId) {
      try {
        return await tasks.find(taskId, authInfo);
      } catch (error) {
        if (error instanceof ProtocolError && error.code === ProtocolErrorCode.InvalidParams)
          return undefined;
        throw error;
      }
    },
    watch: (taskId, listener) => tasks.watch(taskId, listener),
  };
}

/** A JSON-RPC error in the response body; -32021 is a 400 over HTTP, other in-band errors a 200 (as the SDK does). */
function errorResponse(id: unknown, error: ProtocolError): Response {
  const status = error.code === ProtocolErrorCode.MissingRequiredClientCapability ? 400 : 200;
  return Response.json({ jsonrpc: '2.0', id: id ?? null, error: toJsonRpcError(error) }, { status });
}
