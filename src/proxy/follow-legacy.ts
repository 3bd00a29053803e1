/**
 * Following a 2025-11-25 backend task, one look per leg. That era has no `tasks/update`: input only travels as
 * server→client requests on a `tasks/result` stream. So a leg that finds the backend task waiting for input opens
 * one, relays the input requests it receives as the proxy task's input requests (keeping each request's id in the
 * proxy task's record), and closes it. The leg after the caller's answers sends each answer as the response to the
 * id it answers, on the backend session, before looking again: the backend need not ask again (the SDK v1 server
 * never does: it sends each request once).
 *
 * No wait in a leg is open-ended: the `tasks/result` stream, which blocks while the backend task runs, is watched
 * for a bounded window, and a window in which nothing arrives ends the leg with a continuation (look again later).
 * The leg's signal ends every wait too.
 */
import type { CallToolResult } from '@modelcontextprotocol/client';
import { z } from 'zod';
import type { TaskMCPContext } from '../context/context.js';
import { ProtocolError, ProtocolErrorCode } from '../errors.js';
import {
  type BackendConnection,
  type BackendRequest,
  connectBackend,
  relayedCapabilities,
} from './backend.js';
import {
  backendCancelled,
  inputAsk,
  later,
  onBackend,
  type ProxiedTool,
  type ProxyReturn,
  type ProxyState,
  pollDelay,
} from './forward.js';

const AnyResultSchema = z.looseObject({});
/** `tasks/result` may block for the backend task's whole run; the look window bounds it, not the SDK's timeout. */
const NO_DEADLINE_MS = 2 ** 31 - 1;
/**
 * The shortest look at a `tasks/result` stream. A backend sends an input request on the stream once it is queued;
 * a window that closes just as it is sent could lose it on a backend that never sends it again (SDK v1), so the
 * window is never as short as a fast poll interval.
 */
const MIN_LOOK_MS = 1_000;

/** One look at a 2025-11-25 backend task, on the session it was created on when the backend keeps one. */
export async function followLegacy(
  tool: ProxiedTool,
  state: ProxyState,
  ctx: TaskMCPContext,
): Promise<ProxyReturn> {
  const received: BackendRequest[] = [];
  let heard = () => {};
  const asked = new Promise<'asked'>((resolve) => {
    heard = () => resolve('asked');
  });
  const backend = await connectBackend(tool.target, ctx.authInfo, {
    tasks: true,
    era: 'legacy',
    session: state.session,
    inputCapabilities: relayedCapabilities(ctx.clientCapabilities),
    onRequest: (request) => {
      received.push(request);
      heard();
    },
  });
  return onBackend(backend, ctx.signal, async () => {
    await giveAnswers(backend, state, ctx.inputResponses);
    const next: ProxyState = { ...state, asked: undefined };
    const task = await backend.getTask(state.backendTaskId, ctx.signal);
    if (task.status === 'working') return later(tool, next, task);
    if (task.status === 'cancelled') return backendCancelled(state);
    // Waiting for input, or ended: the stream brings the input requests or the result.
    const stream = new AbortController();
    const stop = () => stream.abort(ctx.signal.reason);
    ctx.signal.addEventListener('abort', stop, { once: true });
    let timer: NodeJS.Timeout | undefined;
    try {
      const outcome = backend.client.sdk
        .request({ method: 'tasks/result', params: { taskId: state.backendTaskId } }, AnyResultSchema, {
          signal: stream.signal,
          timeout: NO_DEADLINE_MS,
        })
        .then(
          (result) => ({ result: result as CallToolResult }),
          (error: unknown) => ({ error }),
        );
      const window = new Promise<'quiet'>((resolve) => {
        timer = setTimeout(() => resolve('quiet'), Math.max(pollDelay(tool, task), MIN_LOOK_MS));
      });
      const first = await Promise.race([outcome, asked, window]);
      if (first === 'asked') {
        // Requests the backend sent together arrive together: let the rest of this read be delivered.
        await new Promise((resolve) => setImmediate(resolve));
        return relay(received, next);
      }
      if (first === 'quiet') return later(tool, next, task);
      if ('result' in first) return first.result;
      throw first.error;
    } finally {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', stop);
      stream.abort();
    }
  });
}

/** The caller's answers, each sent as the response to the backend request it answers (kept in `state.asked`). */
async function giveAnswers(
  backend: BackendConnection,
  state: ProxyState,
  responses: Record<string, unknown> | undefined,
): Promise<void> {
  for (const [key, answer] of Object.entries(responses ?? {})) {
    const id = state.asked?.[key];
    if (id === undefined) {
      throw new ProtocolError(
        ProtocolErrorCode.InternalError,
        `The proxy has an answer to input request '${key}' but no record of asking it for backend task ${state.backendTaskId}.`,
      );
    }
    await backend.answer(id, answer);
  }
}

/** The proxy task waits for the requests received, each keyed by its position and recorded with its id. */
function relay(received: BackendRequest[], state: ProxyState): ProxyReturn {
  const asks: Parameters<typeof inputAsk>[0] = {};
  const asked: Record<string, string | number> = {};
  received.forEach((request, index) => {
    const key = `input-${index + 1}`;
    asks[key] = { method: request.method, params: withoutMeta(request.params) };
    asked[key] = request.id;
  });
  return inputAsk(asks, { ...state, asked });
}

function withoutMeta(params: Record<string, unknown> | undefined): Record<string, unknown> {
  const { _meta: _ignored, ...rest } = params ?? {};
  return rest;
}
