/**
 * How a task record changes: pure functions of the current record, so the engine's conditional store updates stay
 * one line each and every engine applies the same rules. Every new record passes through {@link stamped}, which
 * keeps the bookkeeping fields (`lastUpdatedAt`, `expiresAt`, `checkAt`) consistent with its status.
 */
import { newInputKey } from './ids.js';
import type { QueuedLeg } from './seams.js';
import { type InputRequestEntry, isTerminal, type LegOutcome, type TaskRecord } from './types.js';

/** Internal error code for faults of the engine itself (the JSON-RPC "internal error"). */
const INTERNAL_ERROR = -32603;

/** Whether `job` is the leg the record is waiting on (a cancelled, expired or superseded leg is not). */
export function isCurrentLeg(record: TaskRecord, job: QueuedLeg): boolean {
  return record.status === 'working' && record.leg === job.leg && record.attempt === job.attempt;
}

/**
 * `next` as of `now`: a terminal task expires `ttlMs` from now and needs no more checks; a waiting one is checked
 * when its input request runs out (`ttlMs` after the ask); a working one after `livenessMs` without news.
 */
export function stamped(next: TaskRecord, now: number, livenessMs: number): TaskRecord {
  const record = { ...next, lastUpdatedAt: now };
  if (isTerminal(record.status)) {
    record.expiresAt = now + record.ttlMs;
    record.checkAt = undefined;
  } else {
    record.expiresAt = undefined;
    record.checkAt = now + (record.status === 'input_required' ? record.ttlMs : livenessMs);
  }
  return record;
}

/**
 * The retention to report on the wire, counted from creation as both protocol eras word it: exact once the task
 * has ended; while it runs, the least it can be (`ttlMs`: it will be kept at least that long after it ends).
 */
export function retentionFromCreation(record: TaskRecord): number {
  return record.expiresAt === undefined ? record.ttlMs : record.expiresAt - record.createdAt;
}

/**
 * The record after a leg ended with `outcome`; `nextLegDelayMs` is set when the record's current leg must be queued
 * after that delay: another attempt after a thrown error that earns one, or the next leg after a continuation. Input
 * requests get fresh keys, unique for the task's life, mapped back to the keys the tool chose.
 */
export function settledRecord(
  current: TaskRecord,
  outcome: LegOutcome,
): { record: TaskRecord; nextLegDelayMs?: number } {
  switch (outcome.type) {
    case 'result':
      return {
        record: { ...current, status: 'completed', result: outcome.result, statusMessage: undefined },
      };
    case 'error':
      return {
        record: { ...current, status: 'failed', error: outcome.error, statusMessage: outcome.error.message },
      };
    case 'thrown': {
      const attempts = current.retry?.attempts ?? 1;
      if (current.attempt < attempts) {
        const retryDelayMs = backoffDelay(current, current.attempt);
        return {
          nextLegDelayMs: retryDelayMs,
          record: {
            ...current,
            attempt: current.attempt + 1,
            statusMessage: `Attempt ${current.attempt} of ${attempts} failed (${outcome.message}); retrying in ${retryDelayMs} ms.`,
          },
        };
      }
      return {
        record: { ...current, status: 'completed', result: outcome.result, statusMessage: outcome.message },
      };
    }
    case 'continue':
      // A new leg, as after an answered input request: attempts and the retry policy count afresh for it, so a task
      // that waits on outside work for hours keeps its retries for real failures.
      return {
        nextLegDelayMs: outcome.delayMs,
        record: {
          ...current,
          leg: current.leg + 1,
          attempt: 1,
          requestState: outcome.requestState,
          inputResponses: undefined,
          statusMessage: outcome.statusMessage,
        },
      };
    case 'cancelled':
      return { record: { ...cancelledRecord(current), statusMessage: outcome.statusMessage } };
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
        },
      };
    }
  }
}

/** A task the engine gives up on (a crashed leg past the stalled limit, an unanswered ask, a lost leg). */
export function failedRecord(current: TaskRecord, message: string): TaskRecord {
  return {
    ...current,
    status: 'failed',
    statusMessage: message,
    error: { code: INTERNAL_ERROR, message },
    inputRequests: undefined,
    inputKeys: undefined,
  };
}

export function cancelledRecord(current: TaskRecord): TaskRecord {
  return {
    ...current,
    status: 'cancelled',
    statusMessage: 'The task was cancelled.',
    inputRequests: undefined,
    inputKeys: undefined,
  };
}

/**
 * The record once `responses` are applied to the outstanding input requests, or `undefined` when none of them
 * answers one (never issued, already answered, or superseded). Answering the last one queues the next leg.
 */
export function answeredRecord(
  current: TaskRecord,
  responses: Record<string, unknown>,
): TaskRecord | undefined {
  if (current.status !== 'input_required' || !current.inputRequests) return undefined;
  const outstanding = { ...current.inputRequests };
  const collected = { ...current.inputResponses };
  let accepted = 0;
  for (const [key, value] of Object.entries(responses)) {
    const toolKey = current.inputKeys?.[key];
    if (!(key in outstanding) || toolKey === undefined) continue;
    delete outstanding[key];
    collected[toolKey] = value;
    accepted++;
  }
  if (accepted === 0) return undefined;
  if (Object.keys(outstanding).length > 0) {
    return { ...current, inputRequests: outstanding, inputResponses: collected };
  }
  return {
    ...current,
    status: 'working',
    statusMessage: undefined,
    leg: current.leg + 1,
    attempt: 1,
    inputRequests: undefined,
    inputKeys: undefined,
    inputResponses: collected,
  };
}

export function progressedRecord(
  current: TaskRecord,
  progress: number,
  total?: number,
  message?: string,
): TaskRecord {
  return {
    ...current,
    progress: { progress, total, message },
    statusMessage: describeProgress(progress, total, message),
  };
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
