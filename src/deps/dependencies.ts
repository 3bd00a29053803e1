/**
 * Per-invocation dependencies: `depends: { db: openDb }` on a tool makes `ctx.db` the value `openDb(ctx)` produced
 * for this one invocation. Factories run before the handler (in declaration order) and are cleaned up after it (in
 * reverse order, also when the handler or a later factory throws), in the foreground and in background workers.
 *
 * Nothing here keeps per-call state outside the invocation: a factory is called afresh every time, and what it
 * returns lives in the invocation's own scope, so concurrent calls can never see or tear down each other's values.
 */
import type { TaskMCPContext } from '../context/context.js';

/**
 * Makes one dependency value for one invocation. Three shapes:
 * - a plain (sync or async) function: its value is used as is;
 * - a function whose value is `Disposable`/`AsyncDisposable`: disposed after the handler, as with `using`;
 * - a generator or async generator function that `yield`s the value once: resumed after the handler, so a
 *   `try { yield value } finally { cleanup }` block runs its cleanup.
 */
export type DependencyFactory<T = unknown> = (
  ctx: TaskMCPContext,
) => T | Promise<T> | Generator<T, unknown, undefined> | AsyncGenerator<T, unknown, undefined>;

/** The `depends` map of a tool. */
export type Dependencies = Record<string, DependencyFactory>;

/**
 * The `depends` map for dependency values `Values` (one factory per key). Written as a mapped type so TypeScript
 * infers `Values` from the factories and still types their `ctx` parameter.
 */
export type DependencyFactories<Values> = { [K in keyof Values]: DependencyFactory<Values[K]> };

/** The value type a factory provides. */
export type DependencyValue<F> = F extends (ctx: TaskMCPContext) => infer R
  ? R extends AsyncGenerator<infer T, unknown, undefined>
    ? T
    : R extends Generator<infer T, unknown, undefined>
      ? T
      : Awaited<R>
  : never;

/**
 * Names a dependency may not take: they would hide members of the context it is merged into. A record over
 * `keyof TaskMCPContext`, so a member added to the context without being listed here fails to compile.
 */
const CONTEXT_MEMBERS = new Set(
  Object.keys({
    requestId: true,
    toolName: true,
    taskId: true,
    attempt: true,
    signal: true,
    inputResponses: true,
    requestState: true,
    authInfo: true,
    clientCapabilities: true,
    sessionId: true,
    traceparent: true,
    reportProgress: true,
    log: true,
    debug: true,
    info: true,
    warn: true,
    error: true,
  } satisfies Record<keyof TaskMCPContext, true>),
);

/** Check a tool's `depends` at registration, so mistakes surface at startup rather than on the first call. */
export function checkDependencies(toolName: string, depends: unknown): void {
  if (depends === undefined) return;
  if (typeof depends !== 'object' || depends === null) {
    throw new TypeError(`Tool '${toolName}': depends must be an object of factory functions.`);
  }
  for (const [name, factory] of Object.entries(depends)) {
    if (CONTEXT_MEMBERS.has(name)) {
      throw new TypeError(
        `Tool '${toolName}': dependency '${name}' would hide ctx.${name}; choose another name.`,
      );
    }
    if (typeof factory !== 'function') {
      throw new TypeError(`Tool '${toolName}': dependency '${name}' must be a factory function.`);
    }
  }
}

type Cleanup = () => unknown;

/**
 * Resolve `depends` for one invocation, run `body` with the values, then clean up. Cleanup failures do not change
 * the outcome (the work is done; re-running it would be worse); they are reported through `onCleanupError`.
 */
export async function withDependencies<R>(
  depends: Dependencies | undefined,
  context: TaskMCPContext,
  body: (values: Record<string, unknown>) => Promise<R>,
  onCleanupError: (name: string, error: unknown) => void,
): Promise<R> {
  if (!depends) return body({});
  const values: Record<string, unknown> = {};
  const cleanups: Array<[string, Cleanup]> = [];
  try {
    for (const [name, factory] of Object.entries(depends)) {
      const { value, cleanup } = await enter(name, factory, context);
      values[name] = value;
      if (cleanup) cleanups.push([name, cleanup]);
    }
    return await body(values);
  } finally {
    for (const [name, cleanup] of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        onCleanupError(name, error);
      }
    }
  }
}

async function enter(
  name: string,
  factory: DependencyFactory,
  context: TaskMCPContext,
): Promise<{ value: unknown; cleanup?: Cleanup }> {
  const produced = factory(context);
  if (isGenerator(produced)) {
    const first = await produced.next();
    if (first.done) {
      throw new Error(`Dependency '${name}' is a generator that finished without yielding a value.`);
    }
    return { value: first.value, cleanup: async () => void (await produced.return(undefined)) };
  }
  const value = await produced;
  const disposable = value as Partial<AsyncDisposable & Disposable> | null | undefined;
  if (typeof disposable?.[Symbol.asyncDispose] === 'function') {
    return { value, cleanup: () => disposable[Symbol.asyncDispose]!() };
  }
  if (typeof disposable?.[Symbol.dispose] === 'function') {
    return { value, cleanup: () => disposable[Symbol.dispose]!() };
  }
  return { value };
}

function isGenerator(
  value: unknown,
): value is Generator<unknown, unknown, undefined> | AsyncGenerator<unknown, unknown, undefined> {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { next?: unknown; return?: unknown; throw?: unknown };
  const iterable = Symbol.iterator in (value as object) || Symbol.asyncIterator in (value as object);
  return (
    iterable &&
    typeof candidate.next === 'function' &&
    typeof candidate.return === 'function' &&
    typeof candidate.throw === 'function'
  );
}
