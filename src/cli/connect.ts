/**
 * Connect to the server named by `--server` (or `TASKMCP_SERVER`): an `http(s)://` MCP endpoint, or a server module
 * loaded into this process and spoken to in process (handy for trying a tool without running a server).
 */
import type { ElicitRequest, ElicitResult } from '@modelcontextprotocol/client';
import { Client } from '../client/client.js';
import { CliError, ExitCode, usageError } from './exit-codes.js';
import { isModuleSpec, loadServer } from './server-module.js';

export const SERVER_ENV = 'TASKMCP_SERVER';

export interface Connection {
  client: Client;
  close(): Promise<void>;
}

export interface ConnectOptions {
  server?: string;
  /** Bearer token sent on HTTP requests (also `TASKMCP_TOKEN`). */
  token?: string;
  onElicit?: (params: ElicitRequest['params']) => ElicitResult | Promise<ElicitResult>;
  /** Protocol era to speak (default: negotiate). */
  era?: 'auto' | 'modern' | 'legacy';
}

export async function connect(options: ConnectOptions): Promise<Connection> {
  const target = options.server ?? process.env[SERVER_ENV];
  if (!target) throw usageError(`Name the server with --server <url|file> (or set ${SERVER_ENV}).`);
  const clientOptions = { name: 'taskmcp-cli', onElicit: options.onElicit, era: options.era };
  if (!isModuleSpec(target)) {
    const token = options.token ?? process.env.TASKMCP_TOKEN;
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const client = await reach(target, () => Client.connect({ url: target, headers }, clientOptions));
    return { client, close: () => client.close() };
  }
  const server = await loadServer(target);
  const client = await reach(target, () => Client.connect({ server }, clientOptions));
  return {
    client,
    close: async () => {
      await client.close().catch(() => {});
      await server.close();
    },
  };
}

async function reach(target: string, open: () => Promise<Client>): Promise<Client> {
  try {
    return await open();
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`Cannot connect to ${target}: ${(error as Error).message}`, ExitCode.server);
  }
}
