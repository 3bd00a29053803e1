import type {
  CallToolRequest,
  CallToolResult,
  ClientCapabilities,
  InputRequiredResult,
  McpServer as McpServerType,
  ProtocolEra,
  ServerContext,
} from '@modelcontextprotocol/server';
import { McpServer } from '@modelcontextprotocol/server';
import { callerDetails } from '../context/capture.js';
import { runWithContext } from '../context/context.js';
import { ProtocolError, ProtocolErrorCode } from '../errors.js';
import { TASK_MODE_META } from '../protocol.js';
import type { LeanToolCalls, Route, ServedEra, ServingUnit, StartedToolCall, WireEra } from '../wire/era.js';
import { eraFor, servedEras } from '../wire/eras.js';
import {
  dispatchedElsewhere,
  rejectMalformedInputResponses,
  serveToolCalls,
  withCachedJsonSchema,
} from '../wire/sdk-gaps/index.js';
import { ambientCalls, type Registration, register } from './ambient-calls.js';
import { missingInputCapabilities, undeclaredInputError } from './input-capabilities.js';
import { parseArguments, runHandler, withDeadline } from './invoke.js';
import type { ServerLogger } from './logger.js';
import type { Middleware } from './middleware.js';
import type { ToolDefinition, ToolRegistry } from './registry.js';
import { requestContext } from './request-context.js';
import { serveResourcePromptTasks } from './resource-prompt-tasks/serving.js';
import type { ResourceSubscriptions } from './resource-subscriptions.js';
import type { TaskService } from './task-service.js';

/** The protocol era the SDK negotiated with the client (the key of wire/eras.ts). */
export type Era = ProtocolEra;

/** What the per-connection (stdio) or per-request (HTTP) SDK server is built from. */
export interface ServerInternals {
  info: { name: string; version: string; title?: string };
  instructions?: string;
  registry: ToolRegistry;
  tasks: TaskService;
  /** Resource and prompt registrations, replayed onto every SDK server instance; their calls go through `calls`. */
  resourcesAndPrompts: readonly Registration[];
  /** Around every tool handler run (foreground and task legs), resource read and prompt get. */
  middleware: readonly Middleware[];
  maskErrorDetails: boolean;
  /** Fires when the TaskMCP server closes; aborts foreground handlers. */
  shutdown: AbortSignal;
  log: ServerLogger;
  /** Resource subscriptions of the units that outlive a request (stdio connections, HTTP sessions). */
  subscriptions: ResourceSubscriptions;
}

/**
 * Build one SDK `McpServer` for one serving unit of the given era. The SDK builds one per HTTP request (and per
 * stdio connection); everything durable lives in `internals`, so instances are cheap and share nothing mutable.
 * Where the eras differ, the era's own module (wire/<era>/) decides. `started` finds the `tools/call` of a request
 * the lean path has already started, which the server then takes over instead of running it (`HttpPorts.handOver`).
 */
export function buildSdkServer(
  internals: ServerInternals,
  negotiated: Era,
  unit: ServingUnit = 'request',
  started?: (ctx: ServerContext) => StartedToolCall | undefined,
): McpServerType {
  const era: WireEra = eraFor(negotiated);
  const server = new McpServer(internals.info, {
    capabilities: {
      // The lists are fixed once the server starts, so there is never a change to announce.
      tools: { listChanged: false },
      // `ctx.log` reaches the client as notifications/message, at the level it set (logging/setLevel).
      logging: {},
      ...era.capabilities,
    },
    instructions: internals.instructions,
  });
  rejectMalformedInputResponses(server);
  for (const tool of internals.registry.list()) {
    const registered = server.registerTool(
      tool.name,
      {
        title: tool.config.title,
        description: tool.config.description,
        inputSchema: withCachedJsonSchema(tool.config.input),
        outputSchema: withCachedJsonSchema(tool.config.output),
        annotations: tool.config.annotations,
        // The 2026-07-28 wire has no per-tool task field; clients such as `taskmcp inspect` read the mode here.
        _meta: { ...tool.config._meta, [TASK_MODE_META]: tool.task.mode },
      },
      dispatchedElsewhere,
    );
    era.listTool(registered, tool.task.mode);
  }
  const served = era.serve(server, internals, unit);
  servedOn.set(server, served);
  const clientCapabilities = (ctx: ServerContext) => served.clientCapabilities(ctx);
  serveToolCalls(
    server,
    (params, ctx) => callTool(internals, era, served, params, ctx),
    (name) => internals.registry.get(name) !== undefined,
    started,
  );
  const calls = ambientCalls({ ...internals, clientCapabilities });
  for (const registration of internals.resourcesAndPrompts) {
    register(server, calls, registration, { advertiseTaskMode: era.listsTaskMode });
  }
  if (served.requestTasks) {
    serveResourcePromptTasks(server, internals.resourcesAndPrompts, served.requestTasks, clientCapabilities);
  }
  const { resources, prompts } = server.server.getCapabilities();
  server.server.registerCapabilities({
    ...(resources ? { resources: { ...resources, listChanged: false } } : {}),
    ...(prompts ? { prompts: { ...prompts, listChanged: false } } : {}),
  });
  // Only a unit that outlives the request can tell its client later that a resource changed.
  if (resources && unit === 'connection') internals.subscriptions.serve(server);
  return server;
}

/** The era as installed on each SDK server, for the lean path serving a call of that server's session. */
const servedOn = new WeakMap<McpServerType, ServedEra>();

/** A `tools/call` validated and routed (see {@link admitToolCall}), ready to run. */
interface AdmittedCall {
  tool: ToolDefinition;
  route: Route;
  rawArgs: Record<string, unknown>;
  args: unknown;
  clientCapabilities: ClientCapabilities | undefined;
}

/** Dispatch one `tools/call`: validate, route (foreground or task), run. */
async function callTool(
  internals: ServerInternals,
  era: WireEra,
  served: ServedEra,
  params: CallToolRequest['params'],
  ctx: ServerContext,
): Promise<CallToolResult | InputRequiredResult> {
  const admitted = await admitToolCall(internals, served, params, ctx);
  if (!admitted.ok) return admitted.result;
  return runToolCall(internals, era, served, admitted.call, params, ctx);
}

/** The first half of {@link callTool}: the tool, its route (the era's errors thrown) and its parsed arguments. */
async function admitToolCall(
  internals: ServerInternals,
  served: ServedEra,
  params: CallToolRequest['params'],
  ctx: ServerContext,
): Promise<{ ok: true; call: AdmittedCall } | { ok: false; result: CallToolResult }> {
  const clientCapabilities: ClientCapabilities | undefined = served.clientCapabilities(ctx);
  const tool = internals.registry.get(params.name);
  if (!tool) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Tool ${params.name} not found`);
  const rawArgs = params.arguments ?? {};
  const route = served.routeToolCall(tool, params, ctx);
  const args = await parseArguments(tool, rawArgs);
  if (!args.ok)
    return { ok: false, result: { content: [{ type: 'text', text: args.message }], isError: true } };
  return { ok: true, call: { tool, route, rawArgs, args: args.value, clientCapabilities } };
}

/** The second half of {@link callTool}: preflight, then create the task or run the handler in the foreground. */
async function runToolCall(
  internals: ServerInternals,
  era: WireEra,
  served: ServedEra,
  { tool, route, rawArgs, args, clientCapabilities }: AdmittedCall,
  params: CallToolRequest['params'],
  ctx: ServerContext,
): Promise<CallToolResult | InputRequiredResult> {
  const deadline = withDeadline([ctx.mcpReq.signal, internals.shutdown], tool.task.timeoutMs);
  try {
    const details = { ...callerDetails(ctx), clientCapabilities };
    const context = requestContext(internals.log, ctx, {
      toolName: tool.name,
      label: tool.name,
      signal: deadline.signal,
      caller: details,
    });
    if (tool.config.preflight) {
      const preflight = tool.config.preflight;
      const ask = await runWithContext(context, () => preflight(args as never, context));
      if (ask) return ask;
    }
    if (route === 'task') {
      const requestState = ctx.mcpReq.requestState();
      const caller = {
        ...details,
        requestId: ctx.mcpReq.id,
        inputResponses: ctx.mcpReq.inputResponses,
        requestState: typeof requestState === 'string' ? requestState : undefined,
      };
      const taskArgs = { raw: rawArgs, parsed: args };
      return served.createToolTask(tool, taskArgs, caller, params, ctx);
    }
    const outcome = await runHandler(tool, args, context, {
      maskErrorDetails: internals.maskErrorDetails,
      middleware: internals.middleware,
    });
    if (deadline.timedOut()) throw deadline.signal.reason;
    switch (outcome.kind) {
      case 'result':
        return outcome.result;
      case 'input_required': {
        const missing = era.checksInputCapabilities
          ? missingInputCapabilities(outcome.ask.inputRequests ?? {}, clientCapabilities)
          : undefined;
        if (missing) throw undeclaredInputError(tool.name, missing);
        return outcome.ask;
      }
      case 'error':
        throw outcome.cause;
      case 'thrown':
        return outcome.result;
    }
  } finally {
    deadline.dispose();
  }
}

/**
 * The `tools/call` of one stateless HTTP request without an SDK server (the lean path,
 * wire/sdk-gaps/tool-call-fast-path.ts): {@link admitToolCall} and {@link runToolCall} as an SDK server runs them,
 * with each era's server-less tool-call handling (`WireEra.requestToolCalls`).
 */
export function leanToolCalls(internals: ServerInternals): LeanToolCalls {
  const served = new Map<WireEra, ServedEra>();
  const servedFor = (era: WireEra) => {
    let handling = served.get(era);
    if (!handling) {
      handling = era.requestToolCalls(internals);
      served.set(era, handling);
    }
    return handling;
  };
  // The JSON Schema the SDK's entry scans for `x-mcp-header` declarations (its `Mcp-Param-*` check) on every call;
  // any era's server lists the same schemas.
  const schemas = buildSdkServer(internals, servedEras()[0]!);
  const takes = new Map<string, boolean>();
  return {
    takes(name) {
      let taken = takes.get(name);
      if (taken === undefined) {
        const tool = internals.registry.get(name);
        const schema = tool && schemas.toolInputSchemaJson(name);
        taken =
          tool !== undefined &&
          !tool.config.preflight &&
          schema !== undefined &&
          !JSON.stringify(schema).includes('"x-mcp-header"');
        takes.set(name, taken);
      }
      return taken;
    },
    async admit(era, params, ctx, server) {
      const handling = (server && servedOn.get(server)) ?? servedFor(era);
      let admitted: Awaited<ReturnType<typeof admitToolCall>>;
      try {
        admitted = await admitToolCall(internals, handling, params, ctx);
      } catch {
        return undefined;
      }
      if (!admitted.ok) return undefined;
      const { call } = admitted;
      return { route: call.route, run: () => runToolCall(internals, era, handling, call, params, ctx) };
    },
  };
}
