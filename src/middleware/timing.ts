/** Measure every call, including a task's legs wherever they run, and report how long it took and how it ended. */

import { stderrLogger } from '../server/logger.js';
import type { MiddlewareCall, MiddlewareFunction } from '../server/middleware.js';

export interface CallTiming {
  call: MiddlewareCall;
  /** Wall time of the rest of the chain and the handler, in milliseconds. */
  ms: number;
  /** `error`: it threw (a JSON-RPC error, or a tool's `isError` result); `tool_error`: a tool returned `isError`. */
  outcome: 'ok' | 'tool_error' | 'error';
}

/**
 * Middleware that reports each call's timing to `report`; by default one `info` line on stderr (the server log's
 * format), e.g. `tool build_report (task t1…, attempt 1): ok in 412.3 ms`. Register it first to time everything else.
 */
export function timing(report: (timing: CallTiming) => void = logLine()): MiddlewareFunction {
  return async (call, next) => {
    const started = performance.now();
    const finish = (outcome: CallTiming['outcome']) =>
      report({ call, ms: performance.now() - started, outcome });
    try {
      const result = await next();
      finish('isError' in result && result.isError === true ? 'tool_error' : 'ok');
      return result;
    } catch (error) {
      finish('error');
      throw error;
    }
  };
}

function logLine(): (timing: CallTiming) => void {
  const log = stderrLogger();
  return ({ call, ms, outcome }) => {
    const leg = call.context.taskId ? ` (task ${call.context.taskId}, attempt ${call.context.attempt})` : '';
    log('info', `${call.kind} ${call.name}${leg}: ${outcome} in ${ms.toFixed(1)} ms`);
  };
}
