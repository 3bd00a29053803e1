/** Throughput and latency of MCP requests against a server under test, with the same client for every server. */
import type { ChildHandle } from './child.js';
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

export interface Throughput extends LoadResult {
  /** Server CPU milliseconds per operation (user + system), when the server process is known. */
  serverCpuMsPerOp: number;
}

/**
 * Operations per second from `clients` concurrent clients, each sending back to back for `durationMs`, and the
 * server's CPU time per operation over the same window.
 */
export async function throughput(
  target: Target,
  options: { clients: number; durationMs: number; server?: ChildHandle },
  operation: Operation,
): Promise<Throughput> {
  const states = await Promise.all(Array.from({ length: options.clients }, () => client(target)));
  const cpuBefore = options.server?.cpuSeconds() ?? Number.NaN;
  const result = await closedLoop({
    clients: options.clients,
    durationMs: options.durationMs,
    setup: async (i) => states[i]!,
    operation: (c) => operation(c),
  });
  const cpuAfter = options.server?.cpuSeconds() ?? Number.NaN;
  return { ...result, serverCpuMsPerOp: ((cpuAfter - cpuBefore) * 1000) / result.operations };
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
