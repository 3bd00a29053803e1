/**
 * Middleware: code that runs around every tool call, resource read and prompt get, registered with `server.use()`.
 *
 * A tool's middleware runs where its handler runs: around a foreground call in the process that answers it, and
 * around each leg of a task in the process that runs the leg (a `taskmcp worker` loads the same server module, so
 * it has the same middleware), with the caller's context restored. It does not run when a call only creates a task.
 *
 * Onion order: the first registered is the outermost. Each middleware gets the call and `next`, which runs the rest
 * of the chain and the handler; it may change the call it passes on, change the result, answer without calling
 * `next`, or throw. A throw is treated as the handler's own: a `ProtocolError` is a JSON-RPC error (a failed task),
 * anything else a tool's `isError` result (`-32603` for a resource or prompt).
 */
import type {
  CallToolResult,
  GetPromptResult,
  InputRequiredResult,
  ReadResourceResult,
} from '@modelcontextprotocol/server';
import type { TaskMCPContext } from '../context/context.js';

interface CallBase {
  /** The tool's or prompt's name, or the name the resource was registered under. */
  readonly name: string;
  /** The invocation's context, also ambient (`getContext()`, `getAccessToken()`) while middleware runs. */
  readonly context: TaskMCPContext;
}

export interface ToolCall extends CallBase {
  readonly kind: 'tool';
  /** The arguments as the tool's schema parsed them; what a middleware passes on reaches the handler as is. */
  readonly arguments: Readonly<Record<string, unknown>>;
}

export interface ResourceCall extends CallBase {
  readonly kind: 'resource';
  /** The URI read; a template resource's variables are matched again from the URI a middleware passes on. */
  readonly uri: URL;
}

export interface PromptCall extends CallBase {
  readonly kind: 'prompt';
  /** The arguments as the prompt's schema parsed them (empty for a prompt without one, which receives none). */
  readonly arguments: Readonly<Record<string, unknown>>;
}

/** What each kind of call resolves to. */
export interface CallResults {
  tool: CallToolResult | InputRequiredResult;
  resource: ReadResourceResult | InputRequiredResult;
  prompt: GetPromptResult | InputRequiredResult;
}

export type MiddlewareCall = ToolCall | ResourceCall | PromptCall;
export type MiddlewareResult = CallResults[MiddlewareCall['kind']];
export type ResultOf<C extends MiddlewareCall> = CallResults[C['kind']];

/** Runs the rest of the chain; pass a changed call (same kind and name) to change what the handler gets. */
export type Next<C extends MiddlewareCall> = (call?: C) => Promise<ResultOf<C>>;

/** Middleware for every kind of call, e.g. checks and measurements that do not look into results. */
export type MiddlewareFunction = (
  call: MiddlewareCall,
  next: (call?: MiddlewareCall) => Promise<MiddlewareResult>,
) => Promise<MiddlewareResult>;

/** Middleware for some kinds of call, each hook typed for its kind; kinds without a hook pass through. */
export interface MiddlewareHooks {
  tool?(call: ToolCall, next: Next<ToolCall>): Promise<CallResults['tool']>;
  resource?(call: ResourceCall, next: Next<ResourceCall>): Promise<CallResults['resource']>;
  prompt?(call: PromptCall, next: Next<PromptCall>): Promise<CallResults['prompt']>;
}

export type Middleware = MiddlewareFunction | MiddlewareHooks;

/** Throws, naming the problem, when `middleware` is neither a function nor an object of hooks. */
export function checkMiddleware(middleware: unknown): asserts middleware is Middleware {
  if (typeof middleware === 'function') return;
  if (typeof middleware !== 'object' || middleware === null) {
    throw new TypeError(
      'server.use() takes a function (call, next) or an object with tool/resource/prompt hooks.',
    );
  }
  for (const [key, hook] of Object.entries(middleware)) {
    if (key !== 'tool' && key !== 'resource' && key !== 'prompt') {
      throw new TypeError(`Unknown middleware hook '${key}': use tool, resource or prompt.`);
    }
    if (typeof hook !== 'function') throw new TypeError(`Middleware hook '${key}' must be a function.`);
  }
}

/**
 * Run `call` through `chain` and then `handler`. The handler gets the call as the innermost middleware passed it
 * on; its kind and name cannot change (a middleware cannot turn one tool's call into another's).
 */
export function runMiddleware<C extends MiddlewareCall>(
  chain: readonly Middleware[],
  call: C,
  handler: (call: C) => Promise<ResultOf<C>>,
): Promise<ResultOf<C>> {
  const step = async (index: number, current: C): Promise<ResultOf<C>> => {
    const middleware = chain[index];
    if (!middleware) return handler(current);
    const hook = (typeof middleware === 'function' ? middleware : middleware[current.kind]) as
      | ((call: C, next: Next<C>) => Promise<ResultOf<C>>)
      | undefined;
    if (!hook) return step(index + 1, current);
    const next: Next<C> = (changed) => {
      if (changed && (changed.kind !== current.kind || changed.name !== current.name)) {
        return Promise.reject(
          new TypeError(
            `Middleware passed on a ${changed.kind} call '${changed.name}' for the ${current.kind} call '${current.name}': next() takes the same call, changed.`,
          ),
        );
      }
      return step(index + 1, changed ?? current);
    };
    return hook(current, next);
  };
  return step(0, call);
}

/**
 * A mounted server's middleware around its own calls, inside the mounting server's. `name` is the name the mounted
 * server registered the call under: its middleware was written against its own names, not the prefixed ones.
 */
export interface MiddlewareLayer {
  readonly name: string;
  readonly middleware: readonly Middleware[];
}

/**
 * Run `call` through `chain`, then through each layer in order (outermost first, each seeing the call under the
 * layer's name), then `handler`, which gets the call under its own name again.
 */
export function runLayeredMiddleware<C extends MiddlewareCall>(
  chain: readonly Middleware[],
  layers: readonly MiddlewareLayer[],
  call: C,
  handler: (call: C) => Promise<ResultOf<C>>,
): Promise<ResultOf<C>> {
  const inner = layers.reduceRight<(call: C) => Promise<ResultOf<C>>>(
    (next, layer) => (outer) =>
      runMiddleware(layer.middleware, { ...outer, name: layer.name }, (passed) =>
        next({ ...passed, name: outer.name }),
      ),
    handler,
  );
  return runMiddleware(chain, call, inner);
}
