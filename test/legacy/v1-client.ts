/**
 * The official SDK v1 client (`@modelcontextprotocol/sdk` 1.x), the client most deployments of the 2025-11-25 era
 * run, with its experimental tasks API. Tests connect it over Streamable HTTP or stdio and record what the server
 * sends it outside responses: task status notifications, progress, and elicitation requests.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CallToolResultSchema,
  CreateTaskResultSchema,
  ElicitRequestSchema,
  RELATED_TASK_META_KEY,
  TaskStatusNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { answerAdaAndYes } from '../fixtures/test-server.js';

export { CallToolResultSchema, CreateTaskResultSchema, RELATED_TASK_META_KEY };

export interface Recorded {
  /** `notifications/tasks/status` params, in arrival order. */
  statuses: Array<{ taskId: string; status: string; statusMessage?: string }>;
  /** `elicitation/create` params the client answered. */
  elicitations: Array<{ message: string; _meta?: Record<string, unknown> }>;
  /** Every message from the server, in arrival order, for ordering assertions. */
  log: string[];
}

export interface V1Connection {
  client: Client;
  recorded: Recorded;
  close(): Promise<void>;
}

async function connect(
  transport: StreamableHTTPClientTransport | StdioClientTransport,
): Promise<V1Connection> {
  const client = new Client(
    { name: 'sdk-v1-test', version: '1.0.0' },
    { capabilities: { elicitation: { form: {} } } },
  );
  const recorded: Recorded = { statuses: [], elicitations: [], log: [] };
  client.setNotificationHandler(TaskStatusNotificationSchema, (notification) => {
    recorded.statuses.push(notification.params);
    recorded.log.push(`status:${notification.params.taskId}:${notification.params.status}`);
  });
  client.setRequestHandler(ElicitRequestSchema, (request) => {
    const params = request.params as { message: string; _meta?: Record<string, unknown> };
    recorded.elicitations.push(params);
    return answerAdaAndYes(params);
  });
  await client.connect(transport);
  return { client, recorded, close: () => client.close() };
}

export function connectV1Http(url: URL, token?: string): Promise<V1Connection> {
  return connect(
    new StreamableHTTPClientTransport(url, {
      requestInit: token ? { headers: { authorization: `Bearer ${token}` } } : undefined,
    }),
  );
}

export function connectV1Stdio(options: {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}): Promise<V1Connection> {
  return connect(new StdioClientTransport({ ...options, stderr: 'ignore' }));
}
