/** Throughput and latency of MCP requests against a server under test, with the same client for every server. */
import { closedLoop, type LoadResult, sequentialLatencies } from './load.js';
import { type Era, McpHttpClient } from './mcp-http.js';
import { type LatencyPercentiles, latencyPercentiles } from './stats.js';

export type Operation = (client: McpHttpClient) => Promise<void>;

export interface Target {
  url: URL;
  era: Era;
  declareTasks?: boolean;
}

function client(target: Target): Promise<McpHttpClient> {
  return new McpHttpClient(target.url, { era: target.era, declareTasks: target.declareTasks }).connect();
}

/** Requests per second from `clients` concurrent clients, each sending back to back for `durationMs`. */
export function throughput(
  target: Target,
  options: { clients: number; durationMs: number },
  operation: Operation,
): Promise<LoadResult> {
  return closedLoop({
    clients: options.clients,
    durationMs: options.durationMs,
    setup: () => client(target),
    operation: (c) => operation(c),
  });
}

/** Latency percentiles of `count` sequential operations from one client, after `warmup` unmeasured ones. */
export async function latency(
  target: Target,
  options: { count: number; warmup: number },
  operation: Operation,
): Promise<LatencyPercentiles> {
  const c = await client(target);
  return latencyPercentiles(await sequentialLatencies(options.count, options.warmup, () => operation(c)));
}

export const echo: Operation = async (c) => {
  await c.call('tools/call', { name: 'echo', arguments: { text: 'hello world' } });
};
