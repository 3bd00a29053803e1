/**
 * Following a 2025-11-25 backend task, one look per leg. That era has no `tasks/update`: input only travels as
 * server→client requests on a `tasks/result` stream. So a leg that finds the backend task waiting for input opens
 * one, relays the elicitation requests it receives as the proxy task's input requests, and closes it; the leg after
 * the caller's answers opens another, on which the backend asks again (taskmcp re-asks outstanding requests on each
 * stream; the SDK v1 server delivers what its queue holds) and gets the answers.
 *
 * Requests are matched across streams by a fingerprint of their content, since the request id is not stable across
 * streams on every backend. An answer is given once: when it has reached the backend it leaves the state, so the
 * same question asked again later (a loop asking "Another?" twice) goes to the caller again instead of getting the
 * first answer. The price is the other way round: a backend that asks again a question it was already answered
 * (before it took the answer in) gets its caller asked twice, never a wrong answer.
 */
import type { CallToolResult, ElicitRequest, ElicitResult } from '@modelcontextprotocol/client';
import { z } from 'zod';
import type { TaskMCPContext } from '../context/context.js';
import { connectBackend, requestFingerprint } from './backend.js';
import {
  backendCancelled,
  inputAsk,
  later,
  onBackend,
  type ProxiedTool,
  type ProxyReturn,
  type ProxyState,
} from './forward.js';

const AnyResultSchema = z.looseObject({});
/** `tasks/result` blocks while the backend task runs; the leg's signal bounds it instead of the SDK's timeout. */
const NO_DEADLINE_MS = 2 ** 31 - 1;

type Asks = Parameters<typeof inputAsk>[0];

/** One look at a 2025-11-25 backend task, on the session it was created on when the backend keeps one. */
export async function followLegacy(
  tool: ProxiedTool,
  state: ProxyState,
  ctx: TaskMCPContext,
): Promise<ProxyReturn> {
  const answers: Record<string, unknown> = { ...state.answers, ...ctx.inputResponses };
  const given = new Set<string>();
  const asks: Asks = {};
  let wake = () => {};
  const woken = new Promise<'woken'>((resolve) => {
    wake = () => resolve('woken');
  });
  const onElicit = async (params: ElicitRequest['params']): Promise<ElicitResult> => {
    const key = requestFingerprint('elicitation/create', params);
    if (key in answers && !given.has(key)) {
      given.add(key);
      wake();
      return answers[key] as ElicitResult;
    }
    asks[key] = { method: 'elicitation/create', params: withoutMeta(params) };
    wake();
    return new Promise<never>(() => {}); // never answered on this stream: the next one asks again
  };
  const backend = await connectBackend(tool.target, ctx.authInfo, {
    tasks: true,
    era: 'legacy',
    session: state.session,
    onElicit,
  });
  /** The answers still to give: those that reached the backend are spent. */
  const unspent = async () => {
    if (!(await backend.answersSent())) return answers;
    return Object.fromEntries(Object.entries(answers).filter(([key]) => !given.has(key)));
  };
  return onBackend(backend, ctx.signal, async () => {
    const stream = new AbortController();
    const stop = () => stream.abort(ctx.signal.reason);
    ctx.signal.addEventListener('abort', stop, { once: true });
    try {
      const task = await backend.getTask(state.backendTaskId, ctx.signal);
      if (task.status === 'working') return later(tool, { ...state, answers: undefined }, task);
      if (task.status === 'cancelled') throw backendCancelled(state);
      const outcome = backend.client.sdk
        .request({ method: 'tasks/result', params: { taskId: state.backendTaskId } }, AnyResultSchema, {
          signal: stream.signal,
          timeout: NO_DEADLINE_MS,
        })
        .then(
          (result) => ({ result: result as CallToolResult }),
          (error: unknown) => ({ error }),
        );
      const first = await Promise.race([outcome, woken]);
      if (first !== 'woken') {
        if ('result' in first) return first.result;
        throw first.error;
      }
      const remaining = await unspent();
      if (Object.keys(asks).length > 0) return inputAsk(asks, { ...state, answers: remaining });
      // An answer went to the backend: the task moves on; look again soon.
      return later(tool, { ...state, answers: remaining }, undefined, 0);
    } finally {
      ctx.signal.removeEventListener('abort', stop);
      stream.abort();
      await backend.answersSent();
    }
  });
}

function withoutMeta(params: Record<string, unknown>): Record<string, unknown> {
  const { _meta: _ignored, ...rest } = params;
  return rest;
}
