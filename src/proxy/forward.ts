/**
 * What a proxied tool does when called. In the foreground it forwards the call (progress notifications come back as
 * the caller's progress). As a task, each leg is short: the first starts the backend task and ends with a
 * continuation that stores the backend task's id in the proxy task's record; every later leg looks at the backend
 * task once and mirrors it: still working (status message) → continue later; waiting for input → the proxy task
 * waits for the same input; ended → the same result, error or cancellation. So no worker waits on the backend, and
 * any worker or front end (a restarted one too, with the Redis engine) carries on from the record alone.
 *
 * Input, 2026-07-28 backend: its `inputRequests` become the proxy task's (same keys); the answers go back with
 * `tasks/update`. 2025-11-25 backend: input only travels as server→client requests on a `tasks/result` stream, so a
 * leg opens one, relays the input requests it receives as the proxy task's, keeping their ids, and closes it; the
 * leg after the answers sends each as the response to its request id (see follow-legacy.ts). A sessionful
 * 2025-11-25 backend's session is kept in the state too and reused by every leg (backend.ts says why); the leg that
 * sees the backend task end, or the cancel, ends it. Every leg's connection declares to the backend only the input
 * kinds the proxy task's caller declared (backend.ts, `relayedCapabilities`), so what the backend asks, the caller
 * can answer.
 *
 * An answer from the backend that ends the proxy task (a result, a failure) ends the session; a leg that stops for
 * any other reason (a worker shutting down hands the leg to another worker) leaves it for the next leg.
 */
import type { CallToolResult } from '@modelcontextprotocol/client';
import { type InputRequiredResult, inputRequired, isInputRequiredResult } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { TaskInfo } from '../client/types.js';
import type { TaskMCPContext } from '../context/context.js';
import { ProtocolError, ProtocolErrorCode } from '../errors.js';
import {
  type Cancellation,
  type Continuation,
  continueLater,
  endCancelled,
  isContinuation,
} from '../server/continuation.js';
import {
  type BackendConnection,
  type BackendTarget,
  connectBackend,
  type Era,
  type RequestId,
  relayedCapabilities,
} from './backend.js';
import { followLegacy } from './follow-legacy.js';

export interface ProxiedTool {
  /** The tool's name on the backend (the proxy's may be prefixed by a mount). */
  backendName: string;
  target: BackendTarget;
  /** Fixed delay between looks at a running backend task; the backend's `pollIntervalMs` otherwise. */
  pollIntervalMs?: number;
}

/** What a proxy task keeps in its record between legs (as `requestState`). */
export interface ProxyState {
  /** The proxy task this state belongs to: a `requestState` sent by a client with `tools/call` is never trusted. */
  task: string;
  backendTaskId: string;
  era: Era;
  /** 2025-11-25: the backend's HTTP session the task was created on, reused by every leg. */
  session?: string;
  /** 2026-07-28: backend input keys already answered (a look may still list them while the answer lands). */
  answered?: string[];
  /** 2025-11-25: the backend's input requests the proxy task waits on, by the proxy's key: their JSON-RPC ids. */
  asked?: Record<string, RequestId>;
}

const ProxyStateSchema = z.object({
  task: z.string(),
  backendTaskId: z.string(),
  era: z.enum(['modern', 'legacy']),
  session: z.string().optional(),
  answered: z.array(z.string()).optional(),
  asked: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

/** The longest wait between two looks at a backend task when the backend suggests more. */
const MAX_POLL_MS = 5_000;
/** The SDK's default request timeout would cut a long foreground call; the caller's signal bounds it instead. */
const NO_DEADLINE_MS = 2 ** 31 - 1;

export type ProxyReturn = CallToolResult | Continuation | Cancellation | InputRequiredResult;

export function forwardingHandler(tool: ProxiedTool) {
  return async (args: Record<string, unknown>, ctx: TaskMCPContext): Promise<ProxyReturn> => {
    try {
      if (ctx.taskId === undefined) return await forwardCall(tool, args, ctx);
      const state = readState(ctx.requestState, ctx.taskId);
      return state ? await follow(tool, state, ctx) : await start(tool, args, ctx);
    } catch (error) {
      throw backendFault(error);
    }
  };
}

/** `onCancel` of a proxied tool: cancel the backend task the proxy task follows, with the canceller's credential. */
export function cancellingHook(tool: ProxiedTool) {
  return async (task: { taskId: string; requestState?: string; authInfo?: TaskMCPContext['authInfo'] }) => {
    const state = readState(task.requestState, task.taskId);
    if (!state) return; // the first leg had not stored a backend task yet: it cancels it itself (see start)
    const backend = await connectBackend(tool.target, task.authInfo, {
      tasks: true,
      era: state.era,
      session: state.session,
    });
    try {
      await backend.client.cancelTask(state.backendTaskId);
    } finally {
      await backend.close({ endSession: true });
    }
  };
}

/**
 * Run one leg on `backend` and close it: the backend's session ends with the leg that ends the proxy task (a
 * result, or an error the backend reported), and stays for the next leg otherwise (a continuation, an ask, or a
 * leg aborted by a worker shutting down, which another worker runs again).
 */
export async function onBackend(
  backend: BackendConnection,
  signal: AbortSignal,
  run: (backend: BackendConnection) => Promise<ProxyReturn>,
): Promise<ProxyReturn> {
  let endSession = false;
  try {
    const outcome = await run(backend);
    endSession = !isContinuation(outcome) && !isInputRequiredResult(outcome);
    return outcome;
  } catch (error) {
    const fault = backendFault(error);
    endSession = fault instanceof ProtocolError && !signal.aborted;
    throw fault;
  } finally {
    await backend.close({ endSession });
  }
}

async function forwardCall(tool: ProxiedTool, args: Record<string, unknown>, ctx: TaskMCPContext) {
  const backend = await connectBackend(tool.target, ctx.authInfo, { tasks: false });
  try {
    return (await backend.client.sdk.callTool(
      { name: tool.backendName, arguments: args },
      {
        signal: ctx.signal,
        timeout: NO_DEADLINE_MS,
        onprogress: ({ progress, total, message }) =>
          void ctx.reportProgress(progress, total, message).catch(() => {}),
      },
    )) as CallToolResult;
  } finally {
    await backend.close({ endSession: true });
  }
}

/** First leg: start the backend task and store its id (and session) before anything else can happen. */
async function start(tool: ProxiedTool, args: Record<string, unknown>, ctx: TaskMCPContext) {
  const backend = await connectBackend(tool.target, ctx.authInfo, {
    tasks: true,
    inputCapabilities: relayedCapabilities(ctx.clientCapabilities),
  });
  let keepSession = false;
  try {
    const handle = await backend.client.callToolTask(tool.backendName, args, { signal: ctx.signal });
    if (handle.id === undefined) return await handle.result(); // the backend answered at once
    if (ctx.signal.aborted) {
      // Cancelled while the backend task was being created: onCancel found no id to cancel, so do it here.
      await backend.client.cancelTask(handle.id).catch(() => {});
      throw ctx.signal.reason;
    }
    keepSession = true;
    const session = backend.era === 'legacy' ? backend.sessionId : undefined;
    const state: ProxyState = { task: ctx.taskId!, backendTaskId: handle.id, era: backend.era, session };
    return later(tool, state, handle.last);
  } finally {
    await backend.close({ endSession: !keepSession });
  }
}

async function follow(tool: ProxiedTool, state: ProxyState, ctx: TaskMCPContext): Promise<ProxyReturn> {
  if (state.era === 'legacy') return followLegacy(tool, state, ctx);
  const backend = await connectBackend(tool.target, ctx.authInfo, {
    tasks: true,
    era: 'modern',
    inputCapabilities: relayedCapabilities(ctx.clientCapabilities),
  });
  return onBackend(backend, ctx.signal, () => followModern(tool, backend, state, ctx));
}

async function followModern(
  tool: ProxiedTool,
  backend: BackendConnection,
  state: ProxyState,
  ctx: TaskMCPContext,
): Promise<ProxyReturn> {
  const { client } = backend;
  let answered = state.answered ?? [];
  const responses = ctx.inputResponses ?? {};
  if (Object.keys(responses).length > 0) {
    await client.updateTask(state.backendTaskId, responses, ctx.signal);
    answered = [...answered, ...Object.keys(responses)];
  }
  const task = await client.getTask(state.backendTaskId, ctx.signal);
  switch (task.status) {
    case 'working':
      return later(tool, { ...state, answered: undefined }, task);
    case 'input_required': {
      const open = Object.entries(task.inputRequests ?? {}).filter(([key]) => !answered.includes(key));
      const next = { ...state, answered };
      return open.length === 0 ? later(tool, next, task) : inputAsk(Object.fromEntries(open), next);
    }
    case 'completed':
      return (task.result ?? { content: [] }) as CallToolResult;
    case 'failed':
      throw new ProtocolError(
        task.error?.code ?? ProtocolErrorCode.InternalError,
        task.error?.message ?? task.statusMessage ?? `Backend task ${state.backendTaskId} failed.`,
        task.error?.data,
      );
    case 'cancelled':
      return backendCancelled(state);
  }
}

export function later(tool: ProxiedTool, state: ProxyState, task: TaskInfo | undefined) {
  return continueLater({
    requestState: JSON.stringify(state),
    delayMs: pollDelay(tool, task),
    statusMessage: task?.statusMessage,
  });
}

/** How long to wait before the next look at `task`: the tool's fixed delay, or the backend's (capped). */
export function pollDelay(tool: ProxiedTool, task: TaskInfo | undefined): number {
  return tool.pollIntervalMs ?? Math.min(task?.pollIntervalMs ?? 1_000, MAX_POLL_MS);
}

/**
 * The proxy task waits for the backend's input requests (keyed as the backend keys them, or by fingerprint). The
 * state it carries is the engine's (stored in the record), never a client's: see `readState`.
 */
export function inputAsk(
  inputRequests: Record<string, { method: string; params?: Record<string, unknown> }>,
  state: ProxyState,
): InputRequiredResult {
  // Relayed as the backend sent them: the backend vouches for their shape.
  const requests = inputRequests as NonNullable<InputRequiredResult['inputRequests']>;
  return inputRequired({ inputRequests: requests, requestState: JSON.stringify(state) });
}

function readState(requestState: string | undefined, taskId: string): ProxyState | undefined {
  if (requestState === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(requestState);
  } catch {
    return undefined;
  }
  const state = ProxyStateSchema.safeParse(parsed);
  return state.success && state.data.task === taskId ? state.data : undefined;
}

/** The backend task was cancelled, not by this proxy (whose cancel ends the proxy task first): so is the proxy task. */
export function backendCancelled(state: ProxyState): Cancellation {
  return endCancelled(
    `The backend task ${state.backendTaskId} was cancelled by someone other than this proxy.`,
  );
}

/**
 * A JSON-RPC error from the backend stays one (the same code, message and data); anything else (the backend
 * unreachable, a refused connection) is thrown on as it is and becomes the tool's `isError` result.
 */
function backendFault(error: unknown): unknown {
  if (error instanceof ProtocolError) return error;
  const { code, message, data } = (error ?? {}) as { code?: unknown; message?: unknown; data?: unknown };
  if (typeof code === 'number' && Number.isInteger(code) && code < 0 && typeof message === 'string') {
    return new ProtocolError(code, message, data);
  }
  return error;
}
