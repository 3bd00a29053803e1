/**
 * What a server can be told at construction and when it starts serving, with the defaults of the task settings.
 * Every option is documented where it is declared; the docs pages link here.
 */
import type { OAuthTokenVerifier } from '@modelcontextprotocol/server';
import type { DashboardOptions } from '../dashboard/index.js';
import type { MetricsOptions } from '../metrics/task-metrics.js';
import type { TaskEngine } from '../tasks/engine.js';
import type { ServerLogger } from './logger.js';
import type { TaskDefaults, TaskMode } from './registry.js';
import type { HttpServeOptions } from './serve.js';
import type { SessionOptions } from './session-options.js';

export interface TaskMCPOptions {
  name: string;
  version: string;
  title?: string;
  instructions?: string;
  tasks?: {
    /** A {@link TaskEngine}, or a URL: `memory://` (default) or `redis://…`. Falls back to `TASKMCP_TASKS_URL`. */
    engine?: TaskEngine | string;
    /** Legs this process runs at once when it executes tasks (default 10). */
    concurrency?: number;
    /**
     * The task mode of tools registered without `task` (default `forbidden`): `optional` makes every such tool a
     * task for clients that support tasks, `required` makes every such tool task-only. `task: false` on a tool
     * still keeps it in the foreground.
     */
    defaultMode?: TaskMode;
    /**
     * How long a task and its result are kept after the task ends, when the tool sets no `ttlMs` (default 15
     * minutes). A task is never removed while it runs; an input request waits this long for its answer.
     */
    defaultTtlMs?: number;
    /** Suggested poll interval when the tool sets none (default 1 s). */
    defaultPollIntervalMs?: number;
    /** Upper bound for any tool's `ttlMs` and for a ttl a 2025-11-25 client requests (default 24 hours). */
    maxTtlMs?: number;
    /** Lower bound for a ttl a 2025-11-25 client requests; smaller requests are raised to it (default 5 s). */
    minTtlMs?: number;
    /** Tasks one principal may have at once, running or retained (default 10,000); more answer -32010. */
    maxTasksPerPrincipal?: number;
    /** Tasks of this server at once, all principals together (default 100,000); more answer -32010. */
    maxTasks?: number;
    /** Size in bytes of the arguments a task keeps (default 1 MiB); larger ones answer -32602. */
    maxArgumentBytes?: number;
    /** Nesting depth of the arguments a task keeps (default 64); deeper ones answer -32602. */
    maxArgumentDepth?: number;
    /**
     * Encrypt each task's context snapshot (access token, headers) at rest with AES-256-GCM: 32 bytes as 64 hex
     * or 44 base64 characters. Falls back to `TASKMCP_TASKS_ENCRYPTION_KEY`; without either, snapshots are stored
     * as plain JSON. Every process of one server needs the same key. To rotate, list `new,old`: the first key
     * encrypts, any of them decrypts. See docs/context-forwarding.md.
     */
    encryptionKey?: string;
    /** Tasks per `tasks/list` page on the 2025-11-25 era (default 50). */
    listPageSize?: number;
  };
  /**
   * Require a bearer token on HTTP requests. Requests without a valid token get `401` with a `WWW-Authenticate`
   * challenge; handlers see the verified token as `ctx.authInfo`, and tasks are bound to its principal.
   */
  auth?: { verifier: OAuthTokenVerifier; requiredScopes?: string[]; resourceMetadataUrl?: string };
  /** Replace the message of unexpected errors thrown by tools with a generic one (`ToolError` messages still show). */
  maskErrorDetails?: boolean;
  /** Where server and task logs go (default: stderr, level `info`, or `TASKMCP_LOG_LEVEL`). */
  logger?: ServerLogger;
  /**
   * Serve the tasks dashboard (a live page and a JSON API, default at `/dashboard/`) on the HTTP server: the admin
   * token sees every principal's tasks, and with `auth` each user sees their own. Off by default. See
   * {@link TaskMCP.enableDashboard} and docs/operations.md.
   */
  dashboard?: boolean | DashboardOptions;
  /**
   * Serve Prometheus metrics of this process's tasks (created, ended by status, queue depth and wait, leg duration,
   * legs running, engine errors) at `path` (default `/metrics`) on the HTTP server, beside the MCP endpoint. Needs
   * the `prom-client` package. See {@link TaskMCP.enableMetrics} and docs/operations.md.
   */
  metrics?: boolean | MetricsOptions;
  /**
   * Serve 2025-11-25 clients over HTTP in sessions (`Mcp-Session-Id`), as the spec of that era does: a plain tool
   * call can then ask the client for input (elicitation, sampling, roots), `logging/setLevel` persists, and the
   * GET stream carries notifications. Off by default: that era is served statelessly, one SDK server per request,
   * so any front end answers any request. A session lives in the memory of the front end that opened it; with the
   * Redis engine, a request for it reaching another front end is relayed to it, so no sticky routing is needed. The
   * 2026-07-28 era is stateless either way. See docs/legacy.md.
   */
  sessions?: boolean | SessionOptions;
}

export type RunOptions = ({ transport: 'stdio' } | ({ transport: 'http' } & HttpServeOptions)) & {
  /** Execute tasks in this process (default true). Front ends of a distributed engine may leave it to workers. */
  worker?: boolean;
};

export const DEFAULT_MIN_TTL_MS = 5_000;

export const DEFAULTS: TaskDefaults = {
  mode: 'forbidden',
  ttlMs: 15 * 60_000,
  pollIntervalMs: 1_000,
  maxTtlMs: 24 * 60 * 60_000,
};

/** The task defaults of a server: its `tasks` settings, {@link DEFAULTS} for those it leaves out. */
export function taskDefaults(options: TaskMCPOptions): TaskDefaults {
  return {
    mode: options.tasks?.defaultMode ?? DEFAULTS.mode,
    ttlMs: options.tasks?.defaultTtlMs ?? DEFAULTS.ttlMs,
    pollIntervalMs: options.tasks?.defaultPollIntervalMs ?? DEFAULTS.pollIntervalMs,
    maxTtlMs: options.tasks?.maxTtlMs ?? DEFAULTS.maxTtlMs,
  };
}
