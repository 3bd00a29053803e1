/**
 * The context of a request served in the foreground: a `tools/call` run in place, a `resources/read` or a
 * `prompts/get`. One builder for all three, so a resource or prompt handler sees its caller (token, headers, HTTP
 * request) exactly as a tool does.
 */
import type { ServerContext } from '@modelcontextprotocol/server';
import type { CallerDetails } from '../context/capture.js';
import { createContext, type TaskMCPContext } from '../context/context.js';
import type { ServerLogger } from './logger.js';

export interface RequestContextOptions {
  /** The tool's name; empty for a resource or prompt. */
  toolName: string;
  /** How server log lines of this request are prefixed: the tool's name, `resource <name>`, `prompt <name>`. */
  label: string;
  signal: AbortSignal;
  /** Who is calling, with what the client declared it can do. */
  caller: CallerDetails;
}

export function requestContext(
  log: ServerLogger,
  ctx: ServerContext,
  options: RequestContextOptions,
): TaskMCPContext {
  const progressToken = ctx.mcpReq._meta?.progressToken;
  const requestState = ctx.mcpReq.requestState();
  return createContext({
    requestId: ctx.mcpReq.id,
    toolName: options.toolName,
    signal: options.signal,
    inputResponses: ctx.mcpReq.inputResponses,
    requestState: typeof requestState === 'string' ? requestState : undefined,
    ...options.caller,
    reportProgress: async (progress, total, message) => {
      if (progressToken === undefined) return;
      await ctx.mcpReq.notify({
        method: 'notifications/progress',
        params: { progressToken, progress, total, message },
      });
    },
    log: async (level, message, data) => {
      log(level, `[${options.label}] ${message}`, data);
      // To the client too; the SDK applies the client's level (logging/setLevel, or the request's logLevel).
      await ctx.mcpReq.log(level, data === undefined ? message : { message, data }).catch(() => undefined);
    },
  });
}
