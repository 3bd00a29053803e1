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
import { requestContext } from './request-context.js';

export type ResourceConfig = Parameters<McpServer['registerResource']>[2] & ResourceMetadata;

export interface PromptConfig<Args> {
  title?: string;
  description?: string;
  argsSchema?: Args;
  _meta?: Record<string, unknown>;
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
  /** The middleware of the servers it was mounted from, outermost first. */
  layers?: readonly MiddlewareLayer[];
}

export interface PromptRegistration {
  kind: 'prompt';
  name: string;
  config: PromptConfig<StandardSchemaWithJSON | undefined>;
  render: PromptCallback<StandardSchemaWithJSON> | PromptCallback<undefined>;
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
      // As for tools: protocol faults keep their code; anything else is -32603, its message masked on request.
      if (error instanceof ProtocolError) throw error;
      const what =
        call.kind === 'resource' ? `reading resource '${call.name}'` : `getting prompt '${call.name}'`;
      const detail = error instanceof Error ? error.message : String(error);
      const message = error instanceof ToolError || !options.maskErrorDetails ? detail : `Error ${what}`;
      throw new ProtocolError(ProtocolErrorCode.InternalError, message);
    } finally {
      deadline.dispose();
    }
  };
}

/** Register a resource, resource template or prompt on `server`, its calls running through `calls`. */
export function register(server: McpServer, calls: AmbientCalls, registration: Registration): void {
  if (registration.kind === 'resource') registerResource(server, calls, registration);
  else registerPrompt(server, calls, registration);
}

function registerResource(server: McpServer, calls: AmbientCalls, registration: ResourceRegistration): void {
  const { name, uriOrTemplate, metadata, read, layers = [] } = registration;
  if (typeof uriOrTemplate === 'string') {
    const readFixed = read as ReadResourceCallback;
    server.registerResource(name, uriOrTemplate, metadata, (uri, ctx) =>
      calls<ResourceCall>({ kind: 'resource', name, uri }, ctx, layers, async (call) =>
        readFixed(call.uri, ctx),
      ),
    );
    return;
  }
  const readTemplate = read as ReadResourceTemplateCallback;
  server.registerResource(name, uriOrTemplate, metadata, (uri, variables, ctx) =>
    calls<ResourceCall>({ kind: 'resource', name, uri }, ctx, layers, async (call) => {
      if (call.uri.href === uri.href) return readTemplate(call.uri, variables, ctx);
      // A middleware rewrote the URI: the handler gets the variables of the URI it reads.
      const rematched = uriOrTemplate.uriTemplate.match(call.uri.href);
      if (!rematched) {
        throw new ProtocolError(
          ProtocolErrorCode.InvalidParams,
          `Middleware rewrote the URI of resource '${name}' to ${call.uri.href}, which its template ${uriOrTemplate.uriTemplate} does not match.`,
        );
      }
      return readTemplate(call.uri, rematched, ctx);
    }),
  );
}

function registerPrompt(server: McpServer, calls: AmbientCalls, registration: PromptRegistration): void {
  const { name, config, render, layers = [] } = registration;
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
