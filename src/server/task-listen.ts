/**
 * Pushed task notifications over Streamable HTTP and stdio: the `subscriptions/listen` requests that name task ids
 * (2026-07-28), bound to the caller. What the request says and what the subscription reports are the era's, found
 * by walking the served eras for `WireEra.taskListen` (wire/era.ts), so no era is named here; the subscription is
 * carried by an SSE stream over HTTP and by the connection over stdio. Getting the requests past the SDK is a gap of
 * its own on each transport (`wire/sdk-gaps/task-listen.ts`, `wire/sdk-gaps/stdio-task-listen.ts`). Changes reach a
 * subscription through the task engine's watch, which follows the engine's event bus, so a task running in a worker
 * process is reported by whichever front end holds it.
 */
import type { AuthInfo, ProtocolEra, Transport } from '@modelcontextprotocol/server';
import { ProtocolError, ProtocolErrorCode, toJsonRpcError } from '../errors.js';
import type { TaskListenPort, TaskListenWire } from '../wire/era.js';
import { ERAS, servedEras } from '../wire/eras.js';
import { TaskListenGate } from '../wire/sdk-gaps/index.js';
import { type EndStdioTaskListen, withTaskListens } from '../wire/sdk-gaps/stdio-task-listen.js';
import type { ServerInternals } from './sdk-server.js';
import type { TaskService } from './task-service.js';

/** Task subscriptions one server holds open at once (the SDK bounds its own listen streams the same way). */
export const MAX_OPEN_TASK_LISTENS = 1_024;

/** How long closing waits for streams whose client stopped reading. */
const CLOSE_WAIT_MS = 2_000;

/** The served era with pushed task notifications, and the gate its HTTP listens pass through. */
interface Listening {
  wire: TaskListenWire;
  gate: TaskListenGate;
}

/**
 * The first served era (in wire/eras.ts's order) whose clients may ask for task notifications: the eras are known
 * before any request, so this is found once per server.
 */
function listeningEra(): Listening | undefined {
  for (const era of servedEras()) {
    const wire = ERAS[era]?.taskListen;
    if (wire) return { wire, gate: new TaskListenGate(era, wire.asks) };
  }
  return undefined;
}

export class TaskListens {
  /** Absent when no served era has task notifications: every listen request is then the SDK's. */
  private readonly listening = listeningEra();
  private open = 0;
  /** Resolves when the subscription is over, per open subscription. */
  private readonly streams = new Set<Promise<void>>();

  constructor(private readonly internals: () => Promise<ServerInternals>) {}

  /** Call from the HTTP handler's factory: the SDK accepted `request` on `era` (see {@link TaskListenGate}). */
  admit(era: ProtocolEra, request: Request | undefined): void {
    this.listening?.gate.admit(era, request);
  }

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
    const { listening } = this;
    if (!listening) return sdkFetch(request);
    return listening.gate.route(request, body, sdkFetch, (message) =>
      this.serve(listening.wire, message, request.signal, authInfo),
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

  /** Task subscriptions open now, over either transport (an operator's gauge). */
  get openCount(): number {
    return this.open;
  }

  /** `transport`, for `serveStdio`, serving the task listens of its connection. */
  overStdio(transport: Transport): Transport {
    const { listening } = this;
    if (!listening) return transport;
    const { wire } = listening;
    return withTaskListens(transport, wire.asks, (message, send, ended) =>
      this.serveOverStdio(wire, message, send, ended),
    );
  }

  private async serve(
    wire: TaskListenWire,
    message: Record<string, unknown>,
    disconnected: AbortSignal,
    authInfo: AuthInfo | undefined,
  ): Promise<Response> {
    const { tasks, shutdown, info } = await this.internals();
    try {
      const listen = wire.read(message);
      const release = this.takeSlot();
      try {
        return await wire.openStream(listen, ownTasks(tasks, authInfo), {
          disconnected,
          shutdown,
          serverInfo: { name: info.name, version: info.version },
          // The HTTP adapter ends the response in the microtasks after the stream closes; let it, before saying so.
          onEnd: () => setImmediate(release),
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

  /**
   * One listen over stdio: the subscription's messages go out on the connection among its other messages. A stdio
   * connection has no principal, so every task created over it is the caller's.
   */
  private async serveOverStdio(
    wire: TaskListenWire,
    message: Record<string, unknown>,
    send: (message: Record<string, unknown>) => Promise<void>,
    ended: () => void,
  ): Promise<EndStdioTaskListen | undefined> {
    const { tasks, shutdown, info } = await this.internals();
    try {
      const listen = wire.read(message);
      const release = this.takeSlot();
      try {
        const subscription = await wire.subscribe(listen, ownTasks(tasks, undefined), {
          name: info.name,
          version: info.version,
        });
        const onShutdown = () => subscription.end(true);
        let written: Promise<void> = Promise.resolve();
        subscription.start({
          send(reply) {
            // A failed write means the connection is gone; its close ends the subscription.
            written = send(reply).catch(() => {});
          },
          ended() {
            shutdown.removeEventListener('abort', onShutdown);
            // Over once its last message, the result of a graceful end, is written: closing waits for that.
            void written.then(() => {
              release();
              ended();
            });
          },
        });
        if (shutdown.aborted) onShutdown();
        else shutdown.addEventListener('abort', onShutdown, { once: true });
        return () => subscription.end(false);
      } catch (error) {
        release();
        throw error;
      }
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      await send({ jsonrpc: '2.0', id: message.id ?? null, error: toJsonRpcError(error) });
      return undefined;
    }
  }

  /** Count one more open subscription, or refuse it at the bound; returns what counts it out again (once). */
  private takeSlot(): () => void {
    if (this.open >= MAX_OPEN_TASK_LISTENS) {
      throw new ProtocolError(
        ProtocolErrorCode.InternalError,
        `Too many open task subscriptions on this server (at most ${MAX_OPEN_TASK_LISTENS}): close one, or poll tasks/get.`,
      );
    }
    this.open++;
    let over = () => {};
    const ended = new Promise<void>((resolve) => {
      over = resolve;
    });
    this.streams.add(ended);
    void ended.then(() => this.streams.delete(ended));
    let counted = true;
    return () => {
      if (counted) this.open--;
      counted = false;
      over();
    };
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
