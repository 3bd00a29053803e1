/**
 * Checks of what a server and its tools, resources and prompts are configured with, run when the server is
 * constructed and when a tool, resource or prompt is registered. A misspelt or impossible setting must stop the
 * program at startup with a message naming the setting and what it accepts; ignored, an unknown key (`perpetual`,
 * `defaultTTLMs`) silently leaves the default in place.
 *
 * The lists of known keys are typed against the option interfaces, so adding an option without listing it here
 * does not compile.
 */
import type { DashboardOptions } from '../dashboard/index.js';
import type { MetricsOptions } from '../metrics/task-metrics.js';
import type { RetryPolicy } from '../tasks/types.js';
import { isPlainObject } from '../wire/json-body.js';
import { DEFAULT_MIN_TTL_MS, DEFAULTS, type TaskMCPOptions } from './options.js';
import type { ResourceTaskOptions, TaskMode, TaskOptions } from './registry.js';
import type { ResumableStreamOptions } from './resumable-streams.js';
import type { SessionOptions } from './session-options.js';

type KeyList<T> = { [K in keyof Required<T>]: true };
const keysOf = <T>(keys: KeyList<T>): string[] => Object.keys(keys);

type TaskSettings = NonNullable<TaskMCPOptions['tasks']>;
type Backoff = NonNullable<RetryPolicy['backoff']>;

const SERVER_KEYS = keysOf<TaskMCPOptions>({
  name: true,
  version: true,
  title: true,
  instructions: true,
  tasks: true,
  auth: true,
  maskErrorDetails: true,
  logger: true,
  dashboard: true,
  metrics: true,
  sessions: true,
});
const SESSION_KEYS = keysOf<SessionOptions>({ idleTimeoutMs: true, maxSessions: true, resumable: true });
const RESUMABLE_KEYS = keysOf<ResumableStreamOptions>({
  maxEventsPerStream: true,
  retentionMs: true,
  retryMs: true,
});
const TASK_SETTING_KEYS = keysOf<TaskSettings>({
  engine: true,
  concurrency: true,
  defaultMode: true,
  defaultTtlMs: true,
  defaultPollIntervalMs: true,
  maxTtlMs: true,
  minTtlMs: true,
  maxTasksPerPrincipal: true,
  maxTasks: true,
  maxArgumentBytes: true,
  maxArgumentDepth: true,
  encryptionKey: true,
  listPageSize: true,
});
const AUTH_KEYS = keysOf<NonNullable<TaskMCPOptions['auth']>>({
  verifier: true,
  requiredScopes: true,
  resourceMetadataUrl: true,
});
const DASHBOARD_KEYS = keysOf<DashboardOptions>({ token: true, path: true });
const METRICS_KEYS = keysOf<MetricsOptions>({ path: true });
const TASK_KEYS = keysOf<TaskOptions>({
  mode: true,
  ttlMs: true,
  pollIntervalMs: true,
  timeoutMs: true,
  retry: true,
  immediateResultMs: true,
});
/** A resource's or prompt's `task` options: no `retry` (a read that throws fails its task) and no `timeoutMs`. */
const RESOURCE_TASK_KEYS = keysOf<ResourceTaskOptions>({ mode: true, ttlMs: true, pollIntervalMs: true });
const RETRY_KEYS = keysOf<RetryPolicy>({ attempts: true, backoff: true });
const BACKOFF_KEYS = keysOf<Backoff>({ type: true, delayMs: true, maxDelayMs: true });

export const TASK_MODES: readonly TaskMode[] = ['forbidden', 'optional', 'required'];

/** Throws a `TypeError` or `RangeError` naming the first server option that is unknown or cannot work. */
export function checkServerOptions(options: TaskMCPOptions): void {
  if (!options?.name || !options.version) throw new TypeError('TaskMCP needs a name and a version.');
  const fail: Fail = (message) => `TaskMCP '${options.name}': ${message}`;
  unknownKeys(options, SERVER_KEYS, (key, known) =>
    fail(`unknown option '${key}'; the options are ${known}.`),
  );
  const { auth, dashboard, metrics } = options;
  if (auth !== undefined) {
    section(auth, 'auth', AUTH_KEYS, fail);
    if (typeof auth.verifier?.verifyAccessToken !== 'function') {
      throw new TypeError(fail('auth.verifier must be a token verifier (an object with verifyAccessToken).'));
    }
  }
  if (typeof dashboard === 'object') section(dashboard, 'dashboard', DASHBOARD_KEYS, fail);
  if (typeof metrics === 'object') section(metrics, 'metrics', METRICS_KEYS, fail);
  checkSessions(options.sessions, fail);
  const tasks = options.tasks;
  if (tasks === undefined) return;
  if (!isPlainObject(tasks))
    throw new TypeError(fail(`tasks must be an object of task settings, got ${shown(tasks)}.`));
  unknownKeys(tasks, TASK_SETTING_KEYS, (key, known) =>
    fail(`unknown option 'tasks.${key}'; the task settings are ${known}.`),
  );
  const { engine } = tasks;
  if (engine !== undefined && typeof engine !== 'string' && !isPlainObject(engine)) {
    throw new TypeError(fail(`tasks.engine must be a TaskEngine or a URL string, got ${shown(engine)}.`));
  }
  if (tasks.defaultMode !== undefined) checkMode(tasks.defaultMode, 'tasks.defaultMode', fail);
  const milliseconds = ['defaultTtlMs', 'defaultPollIntervalMs', 'maxTtlMs', 'minTtlMs'] as const;
  for (const key of milliseconds) positiveInteger(tasks[key], `tasks.${key}`, fail, MS);
  const counts = [
    'concurrency',
    'maxTasksPerPrincipal',
    'maxTasks',
    'maxArgumentBytes',
    'maxArgumentDepth',
    'listPageSize',
  ] as const;
  for (const key of counts) positiveInteger(tasks[key], `tasks.${key}`, fail);
  if (tasks.encryptionKey !== undefined && typeof tasks.encryptionKey !== 'string') {
    throw new TypeError(fail(`tasks.encryptionKey must be a string, got ${shown(tasks.encryptionKey)}.`));
  }
  // With the defaults applied: a lone `maxTtlMs: 60_000` is below the default ttl of 15 minutes.
  const maxTtlMs = tasks.maxTtlMs ?? DEFAULTS.maxTtlMs;
  for (const [key, value] of [
    ['minTtlMs', tasks.minTtlMs ?? DEFAULT_MIN_TTL_MS],
    ['defaultTtlMs', tasks.defaultTtlMs ?? DEFAULTS.ttlMs],
  ] as const) {
    if (value > maxTtlMs) {
      throw new RangeError(fail(`tasks.${key} (${value} ms) exceeds tasks.maxTtlMs (${maxTtlMs} ms).`));
    }
  }
}

/**
 * Throws a `TypeError` or `RangeError` naming the first of a tool's task options (`task: …`) that is unknown or
 * cannot work. Bounds that depend on the server (the maximum ttl) are checked where the defaults are applied.
 */
export function checkTaskOptions(tool: string, task: unknown): void {
  const fail: Fail = (message) => `Tool '${tool}': ${message}`;
  if (!checkTaskObject(task, TASK_KEYS, fail)) return;
  const { retry, immediateResultMs } = task as TaskOptions;
  nonNegativeInteger(immediateResultMs, 'task.immediateResultMs', fail, MS);
  if (retry === undefined) return;
  if (!isPlainObject(retry)) {
    throw new TypeError(fail(`task.retry must be an object like { attempts: 3 }, got ${shown(retry)}.`));
  }
  unknownKeys(retry, RETRY_KEYS, (key, known) =>
    fail(`unknown task.retry option '${key}'; the options are ${known}.`),
  );
  if (retry.attempts === undefined)
    throw new TypeError(fail('task.retry needs attempts (a positive integer).'));
  positiveInteger(retry.attempts, 'task.retry.attempts', fail, ' (attempts in all, the first included)');
  const { backoff } = retry;
  if (backoff === undefined) return;
  if (!isPlainObject(backoff)) {
    throw new TypeError(fail(`task.retry.backoff must be an object like { type: 'fixed', delayMs: 1000 }.`));
  }
  unknownKeys(backoff, BACKOFF_KEYS, (key, known) =>
    fail(`unknown task.retry.backoff option '${key}'; the options are ${known}.`),
  );
  if (backoff.type !== 'fixed' && backoff.type !== 'exponential') {
    throw new TypeError(
      fail(`task.retry.backoff.type must be 'fixed' or 'exponential', got ${shown(backoff.type)}.`),
    );
  }
  if (!Number.isInteger(backoff.delayMs) || backoff.delayMs < 0) {
    throw new RangeError(
      fail(
        `task.retry.backoff.delayMs must be a non-negative integer (milliseconds), got ${shown(backoff.delayMs)}.`,
      ),
    );
  }
  positiveInteger(backoff.maxDelayMs, 'task.retry.backoff.maxDelayMs', fail, MS);
}

/**
 * Throws, naming the resource or prompt (`subject`, e.g. `Resource 'config'`), when its `task` option is unknown or
 * cannot work.
 */
export function checkResourceTaskOptions(subject: string, task: unknown): void {
  checkTaskObject(task, RESOURCE_TASK_KEYS, (message) => `${subject}: ${message}`);
}

/** The checks every `task` option shares; `true` when `task` is an object of options (else a boolean or absent). */
function checkTaskObject(task: unknown, keys: readonly string[], fail: Fail): boolean {
  if (task === undefined || typeof task === 'boolean') return false;
  if (!isPlainObject(task)) {
    throw new TypeError(fail(`task must be true, false or an object of task options, got ${shown(task)}.`));
  }
  unknownKeys(task, keys, (key, known) => fail(`unknown task option '${key}'; the options are ${known}.`));
  const options = task as TaskOptions;
  if (options.mode !== undefined) checkMode(options.mode, 'task.mode', fail);
  for (const key of ['ttlMs', 'pollIntervalMs', 'timeoutMs'] as const) {
    positiveInteger(options[key], `task.${key}`, fail, MS);
  }
  return true;
}

function checkSessions(sessions: unknown, fail: Fail): void {
  if (sessions === undefined || typeof sessions === 'boolean') return;
  section(sessions, 'sessions', SESSION_KEYS, fail);
  const settings = sessions as SessionOptions;
  positiveInteger(settings.idleTimeoutMs, 'sessions.idleTimeoutMs', fail, MS);
  positiveInteger(settings.maxSessions, 'sessions.maxSessions', fail);
  const { resumable } = settings;
  if (resumable === undefined || typeof resumable === 'boolean') return;
  section(resumable, 'sessions.resumable', RESUMABLE_KEYS, fail);
  positiveInteger(resumable.maxEventsPerStream, 'sessions.resumable.maxEventsPerStream', fail);
  positiveInteger(resumable.retentionMs, 'sessions.resumable.retentionMs', fail, MS);
  positiveInteger(resumable.retryMs, 'sessions.resumable.retryMs', fail, MS);
}

type Fail = (message: string) => string;

const MS = ' (milliseconds)';

function checkMode(mode: unknown, field: string, fail: Fail): void {
  if (!TASK_MODES.includes(mode as TaskMode)) {
    throw new TypeError(fail(`${field} must be 'forbidden', 'optional' or 'required', got ${shown(mode)}.`));
  }
}

/** `undefined` passes: the setting is optional and its default applies. */
function positiveInteger(value: unknown, field: string, fail: Fail, unit = ''): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new RangeError(fail(`${field} must be a positive integer${unit}, got ${shown(value)}.`));
  }
}

/** `undefined` passes, as for {@link positiveInteger}. */
function nonNegativeInteger(value: unknown, field: string, fail: Fail, unit = ''): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new RangeError(fail(`${field} must be a non-negative integer${unit}, got ${shown(value)}.`));
  }
}

function unknownKeys(
  value: object,
  known: readonly string[],
  message: (key: string, known: string) => string,
): void {
  const unknown = Object.keys(value).find((key) => !known.includes(key));
  if (unknown === undefined) return;
  const list = known.length === 1 ? known[0]! : `${known.slice(0, -1).join(', ')} and ${known.at(-1)}`;
  throw new TypeError(message(unknown, list));
}

/** An object of options under `name`, with no key outside `known`. */
function section(value: unknown, name: string, known: readonly string[], fail: Fail): void {
  if (!isPlainObject(value))
    throw new TypeError(fail(`${name} must be an object of options, got ${shown(value)}.`));
  unknownKeys(value, known, (key, list) =>
    fail(`unknown option '${name}.${key}'; the ${name} options are ${list}.`),
  );
}

/** A value as it would be written in code: strings quoted, so `'5000'` and `5000` read differently. */
function shown(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}
