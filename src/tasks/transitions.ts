/**
 * How a task record changes when a leg ends or reports progress: pure functions of the current record, so the
 * engine's conditional store updates stay one line each and every engine applies the same rules.
 */
import { newInputKey } from './ids.js';
import type { QueuedLeg } from './seams.js';
import type { InputRequestEntry, LegOutcome, TaskRecord } from './types.js';

/** Whether `job` is the leg the record is waiting on (a cancelled, expired or superseded leg is not). */
export function isCurrentLeg(record: TaskRecord, job: QueuedLeg): boolean {
  return record.status === 'working' && record.leg === job.leg && record.attempt === job.attempt;
}

/**
 * The record after a leg ended with `outcome`; `retryDelayMs` is set when the thrown error earns another attempt.
 * Input requests get fresh keys, unique for the task's life, mapped back to the keys the tool chose.
 */
export function settledRecord(
  current: TaskRecord,
  outcome: LegOutcome,
  now: number,
): { record: TaskRecord; retryDelayMs?: number } {
  switch (outcome.type) {
    case 'result':
      return {
        record: {
          ...current,
          status: 'completed',
          result: outcome.result,
          statusMessage: undefined,
          lastUpdatedAt: now,
        },
      };
    case 'error':
      return {
        record: {
          ...current,
          status: 'failed',
          error: outcome.error,
          statusMessage: outcome.error.message,
          lastUpdatedAt: now,
        },
      };
    case 'thrown': {
      const attempts = current.retry?.attempts ?? 1;
      if (current.attempt < attempts) {
        const retryDelayMs = backoffDelay(current, current.attempt);
        return {
          retryDelayMs,
          record: {
            ...current,
            attempt: current.attempt + 1,
            statusMessage: `Attempt ${current.attempt} of ${attempts} failed (${outcome.message}); retrying in ${retryDelayMs} ms.`,
            lastUpdatedAt: now,
          },
        };
      }
      return {
        record: {
          ...current,
          status: 'completed',
          result: outcome.result,
          statusMessage: outcome.message,
          lastUpdatedAt: now,
        },
      };
    }
    case 'input_required': {
      const inputRequests: Record<string, InputRequestEntry> = {};
      const inputKeys: Record<string, string> = {};
      for (const [toolKey, request] of Object.entries(outcome.inputRequests)) {
        const key = newInputKey();
        inputRequests[key] = request;
        inputKeys[key] = toolKey;
      }
      return {
        record: {
          ...current,
          status: 'input_required',
          statusMessage: 'Waiting for input.',
          inputRequests,
          inputKeys,
          inputResponses: {},
          requestState: outcome.requestState,
          lastUpdatedAt: now,
        },
      };
    }
  }
}

/** Delay before attempt `attempt + 1`. */
export function backoffDelay(record: Pick<TaskRecord, 'retry'>, attempt: number): number {
  const backoff = record.retry?.backoff;
  if (!backoff) return 0;
  if (backoff.type === 'fixed') return backoff.delayMs;
  const delay = backoff.delayMs * 2 ** (attempt - 1);
  return Math.min(delay, backoff.maxDelayMs ?? Number.POSITIVE_INFINITY);
}

/** The `statusMessage` a progress report becomes: "message (progress/total)". */
export function describeProgress(progress: number, total?: number, message?: string): string {
  const amount = total === undefined ? `${progress}` : `${progress}/${total}`;
  return message ? `${message} (${amount})` : `Progress ${amount}`;
}
