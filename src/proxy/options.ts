/**
 * What `createProxy` takes, and the checks that refuse a mistyped or impossible setting when the proxy is created
 * rather than at the first call.
 */
import type { TaskMCPOptions } from '../server/options.js';

/**
 * The credential each call to the backend carries:
 * - `'forward'`: the proxy caller's own bearer token (from the proxy's `auth` verifier); a caller without one sends
 *   none. Each call and task leg opens its own connection, so one caller's token never rides another's call.
 * - `{ bearer }`: a fixed token of the proxy's own, the same for every caller.
 * - `'none'` (default): no `Authorization` header.
 */
export type ProxyAuth = 'forward' | 'none' | { bearer: string };

/** A backend spawned as a child process and spoken to over stdio (see stdio.ts for what that means for tasks). */
export interface ProxyStdio {
  command: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
}

export interface ProxyOptions {
  /** The proxy server's name (what `mount` names it by in its errors). */
  name: string;
  /** The backend's Streamable HTTP endpoint (or give `stdio`). */
  url?: string | URL;
  /**
   * A backend spawned by each proxy process as its child, over stdio (instead of `url`). Its tasks are followed
   * within one leg, on the process whose child holds them; no credential is sent (`auth`, `headers` and
   * `discoveryBearer` are for HTTP backends).
   */
  stdio?: ProxyStdio;
  /** Extra headers on every backend request (never `authorization`: use `auth`). */
  headers?: Record<string, string>;
  auth?: ProxyAuth;
  /**
   * The token that lists the backend's tools when the proxy is created (there is no caller then). Defaults to the
   * fixed `auth.bearer`; with `'forward'` give one when the backend refuses anonymous `tools/list`.
   */
  discoveryBearer?: string;
  /** Protocol era towards the backend: `auto` (default) tries 2026-07-28 first, then 2025-11-25. */
  era?: 'auto' | 'modern' | 'legacy';
  /**
   * Delay between two looks at a running backend task (default: the backend task's `pollIntervalMs`, at most
   * 5 s). Each look is a task leg of its own, so no worker waits in between.
   */
  pollIntervalMs?: number;
  /** Only these backend tools (default: all of them). */
  tools?: string[];
  /** Options of the proxy's own server (engine, auth, task defaults…), as for `new TaskMCP`. */
  server?: Partial<Omit<TaskMCPOptions, 'name'>>;
}

const KEYS = new Set<string>([
  'name',
  'url',
  'stdio',
  'headers',
  'auth',
  'discoveryBearer',
  'era',
  'pollIntervalMs',
  'tools',
  'server',
]);

/** Throws, naming the option, on anything the proxy cannot work with. */
export function checkProxyOptions(options: ProxyOptions): void {
  const fail = (problem: string): never => {
    throw new TypeError(`createProxy('${String(options?.name)}'): ${problem}`);
  };
  if (typeof options !== 'object' || options === null) fail('options must be an object.');
  for (const key of Object.keys(options)) {
    if (!KEYS.has(key)) fail(`unknown option '${key}' (known: ${[...KEYS].join(', ')}).`);
  }
  if (typeof options.name !== 'string' || options.name.length === 0) fail('name must be a non-empty string.');
  if ((options.url === undefined) === (options.stdio === undefined)) {
    fail('give the backend as either url (Streamable HTTP) or stdio (a command to spawn), one of them.');
  }
  if (options.stdio !== undefined) {
    checkStdio(options, fail);
    return;
  }
  try {
    const url = new URL(options.url!);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      fail(`url must be http(s), got ${url.protocol}`);
  } catch (error) {
    if (error instanceof TypeError && error.message.startsWith('createProxy')) throw error;
    fail(`url must be the backend's Streamable HTTP endpoint, got ${JSON.stringify(options.url)}.`);
  }
  const { auth, headers, era, pollIntervalMs, tools, discoveryBearer } = options;
  if (auth !== undefined && auth !== 'forward' && auth !== 'none') {
    if (typeof auth !== 'object' || auth === null || typeof auth.bearer !== 'string' || !auth.bearer) {
      fail(`auth must be 'forward', 'none' or { bearer: '<token>' }, got ${JSON.stringify(auth)}.`);
    }
    const extra = Object.keys(auth as object).filter((key) => key !== 'bearer');
    if (extra.length > 0) fail(`unknown auth option '${extra[0]}' (known: bearer).`);
  }
  if (headers !== undefined) {
    if (typeof headers !== 'object' || headers === null) fail('headers must be an object of strings.');
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value !== 'string') fail(`header '${name}' must be a string.`);
      if (name.toLowerCase() === 'authorization') fail('set the backend credential with auth, not headers.');
    }
  }
  if (era !== undefined && era !== 'auto' && era !== 'modern' && era !== 'legacy') {
    fail(`era must be 'auto', 'modern' or 'legacy', got ${JSON.stringify(era)}.`);
  }
  if (pollIntervalMs !== undefined && !(Number.isInteger(pollIntervalMs) && pollIntervalMs >= 0)) {
    fail(`pollIntervalMs must be a whole number of milliseconds >= 0, got ${String(pollIntervalMs)}.`);
  }
  if (tools !== undefined && !(Array.isArray(tools) && tools.every((tool) => typeof tool === 'string'))) {
    fail('tools must be an array of backend tool names.');
  }
  if (discoveryBearer !== undefined && (typeof discoveryBearer !== 'string' || !discoveryBearer)) {
    fail('discoveryBearer must be a non-empty string.');
  }
}

function checkStdio(options: ProxyOptions, fail: (problem: string) => never): void {
  const { stdio } = options;
  if (typeof stdio !== 'object' || stdio === null) fail('stdio must be { command, args?, env?, cwd? }.');
  const extra = Object.keys(stdio!).filter((key) => !['command', 'args', 'env', 'cwd'].includes(key));
  if (extra.length > 0) fail(`unknown stdio option '${extra[0]}' (known: command, args, env, cwd).`);
  if (typeof stdio!.command !== 'string' || !stdio!.command)
    fail('stdio.command must be a non-empty string.');
  if (
    stdio!.args !== undefined &&
    !(Array.isArray(stdio!.args) && stdio!.args.every((a) => typeof a === 'string'))
  ) {
    fail('stdio.args must be an array of strings.');
  }
  if (
    stdio!.env !== undefined &&
    !Object.values(stdio!.env ?? {}).every((value) => typeof value === 'string')
  ) {
    fail('stdio.env must be an object of strings.');
  }
  if (stdio!.cwd !== undefined && typeof stdio!.cwd !== 'string') fail('stdio.cwd must be a string.');
  // A child process has no HTTP request to carry a credential or a header on.
  for (const key of ['headers', 'discoveryBearer'] as const) {
    if (options[key] !== undefined) fail(`${key} is for HTTP backends; a stdio backend gets none.`);
  }
  if (options.auth !== undefined && options.auth !== 'none') {
    fail(
      "auth is for HTTP backends: a stdio backend is this process's child and no caller's credential reaches it.",
    );
  }
  const { era, pollIntervalMs, tools } = options;
  if (era !== undefined && era !== 'auto' && era !== 'modern' && era !== 'legacy') {
    fail(`era must be 'auto', 'modern' or 'legacy', got ${JSON.stringify(era)}.`);
  }
  if (pollIntervalMs !== undefined)
    fail('pollIntervalMs is for HTTP backends: a stdio backend task is followed within one leg.');
  if (tools !== undefined && !(Array.isArray(tools) && tools.every((tool) => typeof tool === 'string'))) {
    fail('tools must be an array of backend tool names.');
  }
}
