/**
 * The CLI's side of the tasks dashboard's JSON API (`tasks list`, `tasks top`): its URL from the MCP endpoint's
 * origin and the dashboard path, the token from `--token`, `TASKMCP_DASHBOARD_TOKEN` or `TASKMCP_TOKEN`, and the
 * server's refusals turned into messages that say what to do.
 */
import { DASHBOARD_TOKEN_ENV, DEFAULT_DASHBOARD_PATH, dashboardUrl } from '../dashboard/options.js';
import type { TaskSummary } from '../dashboard/views.js';
import { SERVER_ENV } from './connect.js';
import { CliError, ExitCode, usageError } from './exit-codes.js';

export interface TaskListing {
  viewer: { admin: boolean };
  /** The server's clock when it answered (epoch ms). */
  now: number;
  /** Legs queued and not started, across the engine (admin only). */
  queueDepth?: number;
  tasks: TaskSummary[];
}

export type DashboardEvent =
  | { type: 'snapshot'; data: TaskListing }
  | { type: 'task'; data: TaskSummary }
  | { type: 'stats'; data: { now: number; queueDepth?: number } }
  | { type: 'failure'; data: { message: string } };

export interface DashboardFilters {
  status?: string;
  tool?: string;
  limit?: number;
}

export class DashboardClient {
  readonly base: URL;
  private readonly token?: string;

  constructor(options: { server?: string; token?: string; path?: string }) {
    const server = options.server ?? process.env[SERVER_ENV];
    if (!server) throw usageError(`Name the server with --server <url> (or set ${SERVER_ENV}).`);
    if (!/^https?:\/\//.test(server)) {
      throw usageError(
        `The tasks dashboard is read over HTTP: --server must be an http(s):// URL, got '${server}'.`,
      );
    }
    try {
      this.base = dashboardUrl(server, options.path ?? DEFAULT_DASHBOARD_PATH);
    } catch (error) {
      throw usageError((error as Error).message);
    }
    this.token =
      options.token ?? (process.env[DASHBOARD_TOKEN_ENV] || process.env.TASKMCP_TOKEN || undefined);
  }

  async list(filters: DashboardFilters): Promise<TaskListing> {
    const response = await this.request(`api/tasks?${query(filters)}`);
    return (await response.json()) as TaskListing;
  }

  /** Follow the live stream until `signal` aborts (resolves) or the server ends it (rejects). */
  async follow(filters: DashboardFilters, onEvent: (event: DashboardEvent) => void, signal: AbortSignal) {
    const response = await this.request(`api/events?${query(filters)}`, signal);
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const event = parseEvent(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (event) onEvent(event);
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      throw new CliError(
        `The dashboard stream at ${this.base} broke: ${(error as Error).message}`,
        ExitCode.server,
      );
    }
    if (!signal.aborted) {
      throw new CliError(`The server at ${this.base.origin} ended the dashboard stream.`, ExitCode.server);
    }
  }

  private async request(path: string, signal?: AbortSignal): Promise<Response> {
    const url = new URL(path, this.base);
    let response: Response;
    try {
      response = await fetch(url, {
        headers: this.token ? { authorization: `Bearer ${this.token}` } : {},
        signal,
      });
    } catch (error) {
      const cause = (error as { cause?: Error }).cause?.message ?? (error as Error).message;
      throw new CliError(`Cannot reach the tasks dashboard at ${this.base}: ${cause}`, ExitCode.server);
    }
    if (response.ok) return response;
    const detail = await response.text().catch(() => '');
    const message = errorMessage(detail);
    await response.body?.cancel().catch(() => {});
    if (response.status === 404 && !detail.startsWith('{')) {
      throw new CliError(
        `${this.base.origin} serves no tasks dashboard at ${this.base.pathname}: start the server with ` +
          '`taskmcp run --dashboard` (or `new TaskMCP({ dashboard: true })`), or name its path with --dashboard-path.',
        ExitCode.server,
      );
    }
    if (response.status === 401 || response.status === 403) {
      throw new CliError(
        `The tasks dashboard at ${this.base} refused ${this.token ? 'the token' : 'a request without a token'}` +
          ` (${response.status}${message ? `: ${message}` : ''}): pass the admin token (--token or ` +
          `${DASHBOARD_TOKEN_ENV}) or, on a server with auth, your own access token.`,
        ExitCode.server,
      );
    }
    if (response.status === 400) throw usageError(message || `The dashboard refused ${url.search}.`);
    throw new CliError(
      `The tasks dashboard at ${this.base} answered ${response.status}${message ? `: ${message}` : ''}`,
      ExitCode.server,
    );
  }
}

function query(filters: DashboardFilters): string {
  const params = new URLSearchParams();
  if (filters.status) params.set('status', filters.status);
  if (filters.tool) params.set('tool', filters.tool);
  if (filters.limit !== undefined) params.set('limit', String(filters.limit));
  return params.toString();
}

function errorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; error_description?: unknown };
    const text = parsed.error_description ?? parsed.error;
    return typeof text === 'string' ? text : '';
  } catch {
    return '';
  }
}

function parseEvent(block: string): DashboardEvent | undefined {
  let type = '';
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) type = line.slice(6).trim();
    else if (line.startsWith('data:')) data += line.slice(5).trim();
  }
  if (!type || !data) return undefined;
  return { type, data: JSON.parse(data) } as DashboardEvent;
}
