/**
 * Resource reads and prompt gets served like tool calls: in the request's own context (so `getContext()`,
 * `getAccessToken()` and the HTTP accessors answer in their handlers as in a tool's) and through the server's
 * middleware. The SDK calls the handlers; these wrappers stand between it and the callbacks the user registered.
 */
import type {
  ClientCapabilities,
  McpServer,
  PromptCallback,
  ReadResourceCallback,
  ReadResourceTemplateCallback,
  ResourceMetadata,
  ResourceTemplate,
  ServerContext,
  StandardSchemaWithJSON,
} from '@modelcontextprotocol/server';
import { callerDetails } from '../context/capture.js';
import { runWithContext } from '../context/context.js';
import { ProtocolError, ProtocolErrorCode, ToolError } from '../errors.js';
import { TASK_MODE_META } from '../protocol.js';
import { withDeadline } from './invoke.js';
import type { ServerLogger } from './logger.js';
import {
  type CallResults,
  type Middleware,
  type MiddlewareLayer,
  type PromptCall,
  type ResourceCall,
  runLayeredMiddleware,
} from './middleware.js';
import type { ResolvedTaskOptions, ResourceTaskOptions } from './registry.js';
import { requestContext } from './request-context.js';

export type ResourceConfig = Parameters<McpServer['registerResource']>[2] &
  ResourceMetadata & {
    /**
     * Whether a 2025-11-25 client may read it as a task (`resources/read` with `params.task`): `true` is
     * `{ mode: 'optional' }`, `false` or absent `forbidden` (the server's `tasks.defaultMode` is for tools only).
     * On 2026-07-28, whose tasks extension covers tools only, it is always read in the foreground.
     */
    task?: boolean | ResourceTaskOptions;
  };

export interface PromptConfig<Args> {
  title?: string;
  description?: string;
  argsSchema?: Args;
  _meta?: Record<string, unknown>;
  /** Whether a 2025-11-25 client may get it as a task (`prompts/get` with `params.task`); as for resources. */
  task?: boolean | ResourceTaskOptions;
}

/**
 * A resource, resource template or prompt as registered: kept as data, not as a closure over an SDK server, because
 * it is registered again on every SDK server instance, and `mount()` registers it under prefixed names and URIs.
 */
export type Registration = ResourceRegistration | PromptRegistration;

export interface ResourceRegistration {
  kind: 'resource';
  name: string;
  uriOrTemplate: string | ResourceTemplate;
  metadata: ResourceConfig;
  read: ReadResourceCallback | ReadResourceTemplateCallback;
  /** Its task settings, resolved at registration (from `metadata.task`); absent when it never runs as a task. */
  task?: ResolvedTaskOptions;
  /** The middleware of the servers it was mounted from, outermost first. */
  layers?: readonly MiddlewareLayer[];
}

export interface PromptRegistration {
  kind: 'prompt';
  name: string;
  config: PromptConfig<StandardSchemaWithJSON | undefined>;
  render: PromptCallback<StandardSchemaWithJSON> | PromptCallback<undefined>;
  /** Its task settings, resolved at registration (from `config.task`); absent when it never runs as a task. */
  task?: ResolvedTaskOptions;
  /** The middleware of the servers it was mounted from, outermost first. */
  layers?: readonly MiddlewareLayer[];
}

/** Runs one resource read or prompt get for an SDK server of one era. */
export type AmbientCalls = <C extends ResourceCall | PromptCall>(
  call: Omit<C, 'context'>,
  ctx: ServerContext,
  layers: readonly MiddlewareLayer[],
  handler: (call: C) => Promise<CallResults[C['kind']]>,
) => Promise<CallResults[C['kind']]>;

export function ambientCalls(options: {
  log: ServerLogger;
  shutdown: AbortSignal;
  middleware: readonly Middleware[];
  maskErrorDetails: boolean;
  clientCapabilities: (ctx: ServerContext) => ClientCapabilities | undefined;
}): AmbientCalls {
  return async (call, ctx, layers, handler) => {
    const deadline = withDeadline([ctx.mcpReq.signal, options.shutdown], undefined);
    try {
      const context = requestContext(options.log, ctx, {
        toolName: '',
        label: `${call.kind} ${call.name}`,
        signal: deadline.signal,
        caller: { ...callerDetails(ctx), clientCapabilities: options.clientCapabilities(ctx) },
      });
      type C = Parameters<typeof handler>[0];
      const full = { ...call, context } as C;
      return await runWithContext(context, () =>
        runLayeredMiddleware(options.middleware, layers, full, handler),
      );
    } catch (error) {
      throw callFailure(call, error, options.maskErrorDetails);
    } finally {
      deadline.dispose();
    }
  };
}

/**
 * What a resource or prompt handler's throw answers, in the foreground and in a task alike. As for tools: protocol
 * faults keep their code; anything else is -32603, its message masked on request.
 */
export function callFailure(
  call: { kind: 'resource' | 'prompt'; name: string },
  error: unknown,
  maskErrorDetails: boolean,
): ProtocolError {
  if (error instanceof ProtocolError) return error;
  const what = call.kind === 'resource' ? `reading resource '${call.name}'` : `getting prompt '${call.name}'`;
  const detail = error instanceof Error ? error.message : String(error);
  const message = error instanceof ToolError || !maskErrorDetails ? detail : `Error ${what}`;
  return new ProtocolError(ProtocolErrorCode.InternalError, message);
}

/**
 * Register a resource, resource template or prompt on `server`, its calls running through `calls`. With
 * `advertiseTaskMode` (the 2025-11-25 era, where they can run as tasks), one registered with `task` lists its mode
 * under `_meta["taskmcp.dev/taskMode"]`, as tools do.
 */
export function register(
  server: McpServer,
  calls: AmbientCalls,
  registration: Registration,
  options: { advertiseTaskMode?: boolean } = {},
): void {
  const mode = options.advertiseTaskMode ? registration.task?.mode : undefined;
  if (registration.kind === 'resource') registerResource(server, calls, registration, mode);
  else registerPrompt(server, calls, registration, mode);
}

/** `task` is taskmcp's, not the SDK's: it stays out of what the SDK lists; the mode goes under `_meta` if asked. */
function sdkMetadata<T extends { task?: unknown; _meta?: Record<string, unknown> }>(
  config: T,
  mode: string | undefined,
): Omit<T, 'task'> {
  const { task: _task, ...rest } = config;
  return mode === undefined ? rest : { ...rest, _meta: { ...rest._meta, [TASK_MODE_META]: mode } };
}

/**
 * Read a registered resource at `uri` (a template's variables matched from it), in the foreground or in a task. A
 * middleware may have rewritten the URI: a template's handler gets the variables of the URI it reads.
 */
export function readRegistered(
  registration: ResourceRegistration,
  uri: URL,
  ctx: ServerContext,
): ReturnType<ReadResourceCallback> {
  const { name, uriOrTemplate, read } = registration;
  if (typeof uriOrTemplate === 'string') return (read as ReadResourceCallback)(uri, ctx);
  const variables = uriOrTemplate.uriTemplate.match(uri.href);
  if (!variables) {
    throw new ProtocolError(
      ProtocolErrorCode.InvalidParams,
      `Middleware rewrote the URI of resource '${name}' to ${uri.href}, which its template ${uriOrTemplate.uriTemplate} does not match.`,
    );
  }
  return (read as ReadResourceTemplateCallback)(uri, variables, ctx);
}

function registerResource(
  server: McpServer,
  calls: AmbientCalls,
  registration: ResourceRegistration,
  mode: string | undefined,
): void {
  const { name, uriOrTemplate, layers = [] } = registration;
  const metadata = sdkMetadata(registration.metadata, mode);
  const readAt = (uri: URL, ctx: ServerContext) =>
    calls<ResourceCall>({ kind: 'resource', name, uri }, ctx, layers, async (call) =>
      readRegistered(registration, call.uri, ctx),
    );
  if (typeof uriOrTemplate === 'string') {
    server.registerResource(name, uriOrTemplate, metadata, readAt);
    return;
  }
  server.registerResource(name, uriOrTemplate, metadata, (uri, _variables, ctx) => readAt(uri, ctx));
}

function registerPrompt(
  server: McpServer,
  calls: AmbientCalls,
  registration: PromptRegistration,
  mode: string | undefined,
): void {
  const { name, render, layers = [] } = registration;
  const config = sdkMetadata(registration.config, mode);
  const register = server.registerPrompt.bind(server) as (...args: unknown[]) => unknown;
  if (config.argsSchema) {
    const withArgs = render as PromptCallback<StandardSchemaWithJSON>;
    register(name, config, (args: Record<string, unknown>, ctx: ServerContext) =>
      calls<PromptCall>({ kind: 'prompt', name, arguments: args }, ctx, layers, async (call) =>
        withArgs(call.arguments as never, ctx),
      ),
    );
    return;
  }
  // The SDK calls a prompt without an argument schema with the context alone.
  const withoutArgs = render as PromptCallback<undefined>;
  register(name, config, (ctx: ServerContext) =>
    calls<PromptCall>({ kind: 'prompt', name, arguments: {} }, ctx, layers, async () => withoutArgs(ctx)),
  );
}
