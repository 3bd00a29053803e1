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
  type PromptCall,
  type ResourceCall,
  runMiddleware,
} from './middleware.js';
import { requestContext } from './request-context.js';

export type ResourceConfig = Parameters<McpServer['registerResource']>[2] & ResourceMetadata;

export interface PromptConfig<Args> {
  title?: string;
  description?: string;
  argsSchema?: Args;
  _meta?: Record<string, unknown>;
}

/** Runs one resource read or prompt get for an SDK server of one era. */
export type AmbientCalls = <C extends ResourceCall | PromptCall>(
  call: Omit<C, 'context'>,
  ctx: ServerContext,
  handler: (call: C) => Promise<CallResults[C['kind']]>,
) => Promise<CallResults[C['kind']]>;

export function ambientCalls(options: {
  log: ServerLogger;
  shutdown: AbortSignal;
  middleware: readonly Middleware[];
  maskErrorDetails: boolean;
  clientCapabilities: (ctx: ServerContext) => ClientCapabilities | undefined;
}): AmbientCalls {
  return async (call, ctx, handler) => {
    const deadline = withDeadline([ctx.mcpReq.signal, options.shutdown], undefined);
    try {
      const context = requestContext(options.log, ctx, {
        toolName: '',
        label: `${call.kind} ${call.name}`,
        signal: deadline.signal,
        caller: callerDetails(ctx),
        clientCapabilities: options.clientCapabilities(ctx),
      });
      type C = Parameters<typeof handler>[0];
      const full = { ...call, context } as C;
      return await runWithContext(context, () => runMiddleware(options.middleware, full, handler));
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

/** Register a resource or resource template whose reads run through `calls`. */
export function registerResource(
  server: McpServer,
  calls: AmbientCalls,
  name: string,
  uriOrTemplate: string | ResourceTemplate,
  metadata: ResourceConfig,
  read: ReadResourceCallback | ReadResourceTemplateCallback,
): void {
  if (typeof uriOrTemplate === 'string') {
    const readFixed = read as ReadResourceCallback;
    server.registerResource(name, uriOrTemplate, metadata, (uri, ctx) =>
      calls<ResourceCall>({ kind: 'resource', name, uri }, ctx, async (call) => readFixed(call.uri, ctx)),
    );
    return;
  }
  const readTemplate = read as ReadResourceTemplateCallback;
  server.registerResource(name, uriOrTemplate, metadata, (uri, variables, ctx) =>
    calls<ResourceCall>({ kind: 'resource', name, uri }, ctx, async (call) => {
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

/** Register a prompt whose gets run through `calls`. */
export function registerPrompt(
  server: McpServer,
  calls: AmbientCalls,
  name: string,
  config: PromptConfig<StandardSchemaWithJSON | undefined>,
  render: PromptCallback<StandardSchemaWithJSON> | PromptCallback<undefined>,
): void {
  const register = server.registerPrompt.bind(server) as (...args: unknown[]) => unknown;
  if (config.argsSchema) {
    const withArgs = render as PromptCallback<StandardSchemaWithJSON>;
    register(name, config, (args: Record<string, unknown>, ctx: ServerContext) =>
      calls<PromptCall>({ kind: 'prompt', name, arguments: args }, ctx, async (call) =>
        withArgs(call.arguments as never, ctx),
      ),
    );
    return;
  }
  // The SDK calls a prompt without an argument schema with the context alone.
  const withoutArgs = render as PromptCallback<undefined>;
  register(name, config, (ctx: ServerContext) =>
    calls<PromptCall>({ kind: 'prompt', name, arguments: {} }, ctx, async () => withoutArgs(ctx)),
  );
}
