/**
 * `createProxy`: a remote MCP server's tools served as this server's own. Each backend tool becomes a local tool
 * with the backend's description, schemas and task mode (a task tool stays one on both eras' wires); calling it
 * forwards the call, and a task on the proxy follows a task on the backend (see forward.ts).
 *
 * A stdio backend is this process's child, and its tasks are followed within one leg (stdio.ts says why).
 *
 * The tools are listed once, when the proxy is created: a `taskmcp worker` process loading the same module gets the
 * same tools by name, which is how it can run the proxy's task legs.
 */
import type { StandardSchemaWithJSON, Tool } from '@modelcontextprotocol/client';
import { taskModeOf } from '../client/types.js';
import { TaskMCP } from '../server/taskmcp.js';
import { type BackendTarget, connectBackend } from './backend.js';
import { cancellingHook, forwardingHandler } from './forward.js';
import { checkProxyOptions, type ProxyOptions, type ProxyStdio } from './options.js';
import { connectStdio, stdioHandler } from './stdio.js';

/** List the backend's tools (with `discoveryBearer`, or the fixed `auth.bearer`) and serve them as a new server. */
export async function createProxy(options: ProxyOptions): Promise<TaskMCP> {
  checkProxyOptions(options);
  if (options.stdio) return createStdioProxy(options, options.stdio);
  const auth = options.auth ?? 'none';
  const target: BackendTarget = {
    url: new URL(options.url!),
    headers: { ...options.headers },
    auth,
    era: options.era ?? 'auto',
  };
  const discoveryBearer = options.discoveryBearer ?? (typeof auth === 'object' ? auth.bearer : undefined);
  const discovery = await connectBackend(
    { ...target, auth: discoveryBearer ? { bearer: discoveryBearer } : 'none' },
    undefined,
    { tasks: true },
  ).catch((error: Error) => {
    throw new Error(
      `createProxy('${options.name}'): cannot reach the backend at ${target.url}: ${error.message}`,
    );
  });
  let tools: Tool[];
  try {
    tools = await discovery.client.listTools();
  } finally {
    await discovery.close({ endSession: true });
  }
  // Every later connection talks the era agreed now, without negotiating again.
  target.era = discovery.era;
  const server = new TaskMCP({ version: '0.1.0', ...options.server, name: options.name });
  for (const tool of chosen(tools, options, target.url.href)) {
    const proxied = { backendName: tool.name, target, pollIntervalMs: options.pollIntervalMs };
    server.tool(
      { ...localTool(tool), onCancel: cancellingHook(proxied) },
      forwardingHandler(proxied) as never,
    );
  }
  return server;
}

/** The stdio variant: one child per proxy process, closed with the proxy server (see stdio.ts). */
async function createStdioProxy(options: ProxyOptions, stdio: ProxyStdio): Promise<TaskMCP> {
  const backend = await connectStdio(stdio, options.era ?? 'auto').catch((error: Error) => {
    throw new Error(
      `createProxy('${options.name}'): cannot start the backend '${stdio.command}': ${error.message}`,
    );
  });
  let tools: Tool[];
  try {
    tools = chosen(await backend.client.listTools(), options, stdio.command);
  } catch (error) {
    await backend.client.close();
    throw error;
  }
  const server = new TaskMCP({ version: '0.1.0', ...options.server, name: options.name });
  for (const tool of tools) server.tool(localTool(tool), stdioHandler(backend, tool.name) as never);
  // The child lives as long as the proxy server: closing the server ends it (its own exit ends it too).
  const close = server.close.bind(server);
  server.close = async (closeOptions) => {
    try {
      await close(closeOptions);
    } finally {
      await backend.client.close();
    }
  };
  return server;
}

/** The backend tools the proxy serves: all, or those `options.tools` names (each must exist). */
function chosen(tools: Tool[], options: ProxyOptions, where: string): Tool[] {
  if (!options.tools) return tools;
  const missing = options.tools.filter((name) => !tools.some((tool) => tool.name === name));
  if (missing.length > 0) {
    throw new Error(
      `createProxy('${options.name}'): the backend at ${where} has no tool ${missing.map((name) => `'${name}'`).join(', ')}.`,
    );
  }
  return tools.filter((tool) => options.tools!.includes(tool.name));
}

/** The local tool's definition: the backend's name, description, schemas and task mode. */
function localTool(tool: Tool) {
  const mode = taskModeOf(tool) ?? 'forbidden';
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    input: asIs(tool.inputSchema),
    output: tool.outputSchema && asIs(tool.outputSchema),
    annotations: tool.annotations,
    task: mode === 'forbidden' ? (false as const) : { mode },
  };
}

/**
 * The backend's JSON Schema, advertised as it is; values pass unchecked. The backend validates its own arguments
 * and results, and a second validation here could only disagree with it (another JSON Schema dialect or validator).
 */
function asIs(jsonSchema: Record<string, unknown>): StandardSchemaWithJSON<Record<string, unknown>> {
  return {
    '~standard': {
      version: 1,
      vendor: 'taskmcp-proxy',
      validate: (value) => ({ value: value as Record<string, unknown> }),
      jsonSchema: { input: () => jsonSchema, output: () => jsonSchema },
    },
  };
}
