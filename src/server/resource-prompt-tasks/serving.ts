/**
 * Serving `resources/read` and `prompts/get` as tasks on the 2025-11-25 era, when the client sends `params.task` and
 * the resource or prompt allows it. The server then declares `tasks.requests.resources.read` / `prompts.get`, answers
 * such a request with a `CreateTaskResult`, and the task is followed like a tool's (`tasks/get`, `tasks/result`,
 * `tasks/list`, `tasks/cancel`, status notifications). Everything else goes to McpServer's handlers as before.
 *
 * The 2026-07-28 tasks extension covers `tools/call` only: there these requests are always answered in the
 * foreground, and nothing here is installed.
 */

import type { ClientCapabilities, McpServer, ServerContext } from '@modelcontextprotocol/server';
import { callerDetails } from '../../context/capture.js';
import type { RequestTasks } from '../../wire/era.js';
import { isPlainObject } from '../../wire/json-body.js';
import { interceptRequest } from '../../wire/sdk-gaps/index.js';
import type { Registration } from '../ambient-calls.js';
import type { ResolvedTaskOptions } from '../registry.js';
import type { CallerInfo } from '../task-service.js';
import {
  findPrompt,
  findResource,
  hasTaskCapable,
  parsePromptArguments,
  type TargetKind,
  taskNameOf,
} from './task-names.js';

export function serveResourcePromptTasks(
  server: McpServer,
  registrations: readonly Registration[],
  requestTasks: RequestTasks,
  clientCapabilities: (ctx: ServerContext) => ClientCapabilities | undefined,
): void {
  const resources = hasTaskCapable(registrations, 'resource');
  const prompts = hasTaskCapable(registrations, 'prompt');
  if (!resources && !prompts) return; // params.task is then ignored, as the era requires of undeclared requests
  server.server.registerCapabilities({ tasks: requestTasks.capability({ resources, prompts }) });

  const create = async (
    target: { kind: TargetKind; name: string; task: ResolvedTaskOptions },
    args: { raw: Record<string, unknown>; parsed: unknown },
    params: Record<string, unknown>,
    ctx: ServerContext,
  ) => {
    const requestState = ctx.mcpReq.requestState();
    const caller: CallerInfo = {
      ...callerDetails(ctx),
      clientCapabilities: clientCapabilities(ctx),
      requestId: ctx.mcpReq.id,
      inputResponses: ctx.mcpReq.inputResponses,
      requestState: typeof requestState === 'string' ? requestState : undefined,
    };
    // Filed under its reserved name; the leg runner finds the registration by it (see legs.ts).
    const filed = { name: taskNameOf(target.kind, target.name), config: {}, task: target.task };
    // The `content: []` padding is for tools/call results only (see asLegacyCreateTaskResult).
    const { content: _padding, ...created } = await requestTasks.createTask(filed, args, caller, params, ctx);
    return created;
  };

  if (resources) {
    interceptRequest(server, 'resources/read', async (params, ctx) => {
      const uri = typeof params.uri === 'string' ? params.uri : '';
      const resource = findResource(registrations, uri);
      if (!resource) return undefined; // McpServer answers the invalid or unknown URI
      const { name, task } = resource;
      const route = requestTasks.route(`Resource '${name}'`, task?.mode ?? 'forbidden', params);
      if (route === 'foreground' || !task) return undefined;
      const kept = { uri: new URL(uri).toString() };
      return create({ kind: 'resource', name, task }, { raw: kept, parsed: kept }, params, ctx);
    });
  }
  if (prompts) {
    interceptRequest(server, 'prompts/get', async (params, ctx) => {
      const prompt = findPrompt(registrations, typeof params.name === 'string' ? params.name : '');
      if (!prompt) return undefined; // McpServer answers the unknown prompt
      const { name, task } = prompt;
      const route = requestTasks.route(`Prompt '${name}'`, task?.mode ?? 'forbidden', params);
      if (route === 'foreground' || !task) return undefined;
      const raw = isPlainObject(params.arguments) ? params.arguments : {};
      const parsed = await parsePromptArguments(prompt, raw);
      return create({ kind: 'prompt', name, task }, { raw, parsed }, params, ctx);
    });
  }
}
