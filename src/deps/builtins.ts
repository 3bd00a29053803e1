/**
 * Built-in dependency factories for `depends`. Each call produces a fresh value for one invocation.
 *
 * ```ts
 * server.tool({ name: 'report', depends: { progress: deps.progress, token: deps.accessToken } },
 *   async (args, { progress, token }) => { ... });
 * ```
 */
import type { AccessToken } from '../auth/access-token.js';
import { getAccessToken, getHttpHeaders, type HttpHeadersOptions } from '../context/accessors.js';
import type { TaskMCPContext } from '../context/context.js';

/** Progress of one invocation: notifications in the foreground, the task's `statusMessage` in a task. */
export interface Progress {
  /** Progress reported so far (starts at 0). */
  readonly current: number;
  readonly total?: number;
  readonly message?: string;
  /** Report an absolute position. */
  set(progress: number, options?: { total?: number; message?: string }): Promise<void>;
  /** Advance by `amount` (default 1). */
  increment(amount?: number, message?: string): Promise<void>;
}

function createProgress(ctx: TaskMCPContext): Progress {
  // State is local to this closure: one Progress per invocation, never shared.
  let current = 0;
  let total: number | undefined;
  let message: string | undefined;
  const report = () => ctx.reportProgress(current, total, message);
  return {
    get current() {
      return current;
    },
    get total() {
      return total;
    },
    get message() {
      return message;
    },
    set(progress, options = {}) {
      current = progress;
      if (options.total !== undefined) total = options.total;
      if (options.message !== undefined) message = options.message;
      return report();
    },
    increment(amount = 1, nextMessage) {
      current += amount;
      if (nextMessage !== undefined) message = nextMessage;
      return report();
    },
  };
}

export const deps = {
  /** The invocation's context (the same object `getContext()` returns). */
  context: (ctx: TaskMCPContext): TaskMCPContext => ctx,
  /** A fresh {@link Progress} for this invocation. */
  progress: (ctx: TaskMCPContext): Progress => createProgress(ctx),
  /** The caller's access token, or `undefined` for anonymous callers and expired tokens in workers. */
  accessToken: (): AccessToken | undefined => getAccessToken(),
  /** The inbound HTTP headers without credentials. */
  headers: (): Record<string, string> => getHttpHeaders(),
  /** A factory for the inbound headers including the named credentials, e.g. `deps.headersWith({ include: ['authorization'] })`. */
  headersWith: (options: HttpHeadersOptions) => (): Record<string, string> => getHttpHeaders(options),
} as const;
