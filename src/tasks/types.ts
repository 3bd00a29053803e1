import type { CallToolResult, GetPromptResult, ReadResourceResult } from '@modelcontextprotocol/server';
import type { JsonRpcErrorObject } from '../errors.js';
import type { TaskStatus } from '../protocol.js';
import type { TaskLogRecord } from './seams.js';

export { isTerminal, type TaskStatus, TERMINAL_STATUSES } from '../protocol.js';

/**
 * What a completed task answers on `tasks/result`: the result of the request that created it. A tool's task ends
 * with a `CallToolResult`; on the 2025-11-25 era a resource's with a `ReadResourceResult` and a prompt's with a
 * `GetPromptResult` (their tasks are filed as `resource:<name>` and `prompt:<name>`). Use {@link isCallToolResult}
 * to read a tool's.
 */
export type TaskResult = CallToolResult | ReadResourceResult | GetPromptResult;

/** Whether a value is a tool's result (a resource's or prompt's has `contents` or `messages`, never `content`). */
export function isCallToolResult(value: unknown): value is CallToolResult {
  return (
    typeof value === 'object' && value !== null && Array.isArray((value as { content?: unknown }).content)
  );
}

/** One server→client request a task is waiting on (`elicitation/create`, `sampling/createMessage`, `roots/list`). */
export interface InputRequestEntry {
  method: string;
  params?: Record<string, unknown>;
}

export interface RetryPolicy {
  /** Total attempts including the first (>= 1). */
  attempts: number;
  backoff?: {
    type: 'fixed' | 'exponential';
    /** Delay before the second attempt. */
    delayMs: number;
    /** Upper bound for exponential growth. */
    maxDelayMs?: number;
  };
}

/**
 * The authoritative state of one task, as kept by a {@link TaskStore}. Engine-agnostic and JSON-serialisable:
 * the Redis store keeps it as one JSON value with a real expiry.
 */
export interface TaskRecord {
  taskId: string;
  toolName: string;
  /** The principal the task is bound to; lookups by anyone else answer "not found". */
  owner: string;
  status: TaskStatus;
  statusMessage?: string;
  /** Epoch milliseconds. */
  createdAt: number;
  lastUpdatedAt: number;
  /**
   * Retention after the task ends: a task is never removed while it is not terminal, and is kept `ttlMs` after it
   * reaches `completed`, `failed` or `cancelled` (see {@link expiresAt}). Also how long an input request waits.
   */
  ttlMs: number;
  /** Set when the task reaches a terminal status: the record (and everything about the task) is gone after it. */
  expiresAt?: number;
  /**
   * Set while the task is not terminal: when the engine's reconciler should look at it if nothing else happened by
   * then (a `working` leg still queued or held by a live worker; an `input_required` ask whose wait is over).
   */
  checkAt?: number;
  /** How often the reconciler re-queued a leg that had nothing behind it (bounded by the engine's stalled limit). */
  requeues?: number;
  pollIntervalMs: number;
  /**
   * Tool arguments as received on the wire, less what the tool's schema strips; re-validated by the schema before
   * every leg.
   */
  args: Record<string, unknown>;
  /** Each leg runs the handler once; a leg ends with a result, an error, or a request for input. */
  leg: number;
  /** 1-based attempt of the current leg. */
  attempt: number;
  retry?: RetryPolicy;
  timeoutMs?: number;
  progress?: { progress: number; total?: number; message?: string };
  /** Outstanding input requests, keyed by task-unique keys surfaced to the client. */
  inputRequests?: Record<string, InputRequestEntry>;
  /** Surfaced key → the key the tool used, for the current ask. */
  inputKeys?: Record<string, string>;
  /** Answers collected so far for the current ask, keyed by the tool's keys. */
  inputResponses?: Record<string, unknown>;
  requestState?: string;
  /**
   * The `progressToken` of the request that created the task. On the 2025-11-25 era progress for a task keeps using
   * it until the task ends, from whichever process holds the client's stream.
   */
  progressToken?: string | number;
  result?: TaskResult;
  error?: JsonRpcErrorObject;
}

/** What {@link TaskEngine.create} needs to make a task. */
export interface CreateTaskSpec {
  taskId: string;
  toolName: string;
  owner: string;
  args: Record<string, unknown>;
  ttlMs: number;
  pollIntervalMs: number;
  retry?: RetryPolicy;
  timeoutMs?: number;
  /** Answers gathered by multi-round-trip rounds before the task was created; seen by the first leg. */
  inputResponses?: Record<string, unknown>;
  requestState?: string;
  /** See {@link TaskRecord.progressToken}. */
  progressToken?: string | number;
  /** Serialised caller context (see the context snapshot); stored beside the record until the task ends. */
  context: string;
}

/** Everything one run of a handler (a leg attempt) gets from the engine. */
export interface LegRun {
  taskId: string;
  toolName: string;
  owner: string;
  args: Record<string, unknown>;
  leg: number;
  attempt: number;
  maxAttempts: number;
  inputResponses?: Record<string, unknown>;
  requestState?: string;
  context: string | null;
  /** When the leg was queued (ms since the epoch): creation, an answer, a retry. Optional for older engines. */
  queuedAt?: number;
  /** Fires on cancel, timeout, or shutdown. */
  signal: AbortSignal;
  reportProgress(progress: number, total?: number, message?: string): Promise<void>;
  /**
   * Send a log record of the handler (`ctx.log`) to the client that created the task, where its era allows it;
   * bounded in rate and size. Absent on an engine that does not carry task logs.
   */
  log?(record: TaskLogRecord): Promise<void>;
}

/** How a leg ended. Throwing from a runner is treated like `{ type: 'thrown' }` with a generic message. */
export type LegOutcome =
  | { type: 'result'; result: TaskResult }
  | { type: 'error'; error: JsonRpcErrorObject }
  /** The handler threw: retried while attempts remain, otherwise `result` (an `isError` result) completes the task. */
  | { type: 'thrown'; message: string; result: CallToolResult }
  | { type: 'input_required'; inputRequests: Record<string, InputRequestEntry>; requestState?: string }
  /**
   * The leg is done for now and the task goes on: the next leg runs after `delayMs` with `requestState` (a handler
   * waiting on outside work, such as a proxied backend task). `statusMessage` becomes the task's.
   */
  | { type: 'continue'; requestState: string; delayMs: number; statusMessage?: string }
  /** The task was cancelled by something outside it (work it waits on, cancelled by someone else). */
  | { type: 'cancelled'; statusMessage: string };

/** Runs one leg of a task; provided by the server that registered the tools. */
export type LegRunner = (run: LegRun) => Promise<LegOutcome>;
