/**
 * A server with the tasks dashboard for the dashboard tests, on either engine. On Redis it is two instances
 * sharing one namespace: a front end that serves MCP and the dashboard but runs no tasks, and a worker that runs
 * them, so everything the dashboard shows crossed Redis. Tools move only when the test says so (`gates`), so tests
 * wait for states they caused, never for the clock.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ResourceTemplate } from '@modelcontextprotocol/server';
import {
  inputRequired,
  MemoryTaskEngine,
  ProtocolError,
  staticTokenVerifier,
  type TaskEngine,
  TaskMCP,
} from 'taskmcp';
import { Client } from 'taskmcp/client';
import { RedisTaskEngine } from 'taskmcp/redis';
import { z } from 'zod';
import { REDIS_URL, TEST_PREFIX, uniqueName } from '../redis.js';

export const ADMIN_TOKEN = 'dashboard-admin-token-for-tests-0123456789';
export const ALICE_TOKEN = 'alice-access-token-0123456789abcdef';
export const BOB_TOKEN = 'bob-access-token-0123456789abcdef';
export const ALICE = 'client:console|alice';
export const BOB = 'client:console|bob';

/** Lets a `stages` task past stage n once the test opened it n times. */
export class Gates {
  private readonly opened = new Map<string, number>();
  private readonly waiters = new Set<() => void>();

  open(key: string): void {
    this.opened.set(key, (this.opened.get(key) ?? 0) + 1);
    for (const wake of this.waiters) wake();
  }

  async until(key: string, stage: number, signal: AbortSignal): Promise<void> {
    while ((this.opened.get(key) ?? 0) < stage) {
      signal.throwIfAborted();
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          signal.removeEventListener('abort', wake);
          resolve();
        };
        this.waiters.add(wake);
        signal.addEventListener('abort', wake, { once: true });
      });
    }
  }
}

function buildServer(
  name: string,
  engine: TaskEngine,
  gates: Gates,
  dashboard: boolean,
  auth: boolean,
): TaskMCP {
  const server = new TaskMCP({
    name,
    version: '1.0.0',
    title: 'Reports',
    logger: () => {},
    tasks: { engine },
    ...(dashboard ? { dashboard: { token: ADMIN_TOKEN } } : {}),
    ...(auth
      ? {
          auth: {
            verifier: staticTokenVerifier({
              [ALICE_TOKEN]: { clientId: 'console', sub: 'alice' },
              [BOB_TOKEN]: { clientId: 'console', sub: 'bob' },
            }),
          },
        }
      : {}),
  });
  server.tool(
    {
      name: 'build_report',
      description: 'Renders a report stage by stage, each stage released by the test.',
      input: z.object({ title: z.string(), key: z.string(), stages: z.number().int().min(1) }),
      task: { mode: 'required', pollIntervalMs: 20 },
    },
    async ({ title, key, stages }, ctx) => {
      for (let stage = 1; stage <= stages; stage++) {
        await ctx.reportProgress(stage - 1, stages, `Rendering page ${stage}`);
        await gates.until(key, stage, ctx.signal);
      }
      return { title, pages: stages, url: `https://reports.example/${encodeURIComponent(title)}.pdf` };
    },
  );
  server.tool(
    { name: 'sync_inventory', task: { mode: 'required', pollIntervalMs: 20 } },
    async (_args, ctx) => {
      await ctx.reportProgress(1, 4, 'Holding');
      await sleep(120_000, undefined, { signal: ctx.signal });
      return 'synced';
    },
  );
  server.tool(
    { name: 'export_table', input: z.object({ table: z.string() }), task: { mode: 'required' } },
    ({ table }) => {
      throw new ProtocolError(-32603, `The warehouse refused to export ${table}.`);
    },
  );
  server.tool({ name: 'approve_refund', task: { mode: 'required' } }, (_args, ctx) =>
    ctx.inputResponses?.ok
      ? 'approved'
      : inputRequired({
          inputRequests: {
            ok: inputRequired.elicit({
              message: 'Approve the refund?',
              requestedSchema: z.object({ approve: z.boolean() }),
            }),
          },
        }),
  );
  // Read and got as tasks by 2025-11-25 clients: the dashboard shows what they returned.
  server.resource(
    'inventory',
    new ResourceTemplate('inventory://{site}', { list: undefined }),
    { task: true },
    (uri, { site }) => ({ contents: [{ uri: uri.href, text: `Stock at ${String(site)}: 42 crates` }] }),
  );
  server.prompt('weekly_summary', { argsSchema: z.object({ team: z.string() }), task: true }, ({ team }) => ({
    messages: [{ role: 'user', content: { type: 'text', text: `Summarise the week of ${team}.` } }],
  }));
  return server;
}

export interface Deployment {
  /** The MCP endpoint. */
  url: URL;
  /** The dashboard, e.g. `http://127.0.0.1:1234/dashboard/`. */
  board: URL;
  gates: Gates;
  /** An MCP client of the front end, as `token` (anonymous without), on the era the server prefers unless told. */
  client(token?: string, headers?: Record<string, string>, era?: 'legacy'): Promise<Client>;
  close(): Promise<void>;
}

export async function deploy(
  engineName: string,
  options: { auth?: boolean; dashboard?: boolean } = {},
): Promise<Deployment> {
  const gates = new Gates();
  const auth = options.auth ?? true;
  const dashboard = options.dashboard ?? true;
  const name = uniqueName('dash');
  const clients: Client[] = [];
  let front: TaskMCP;
  let worker: TaskMCP | undefined;
  if (engineName === 'redis') {
    const redis = () => new RedisTaskEngine({ url: REDIS_URL, name, prefix: TEST_PREFIX });
    worker = buildServer(name, redis(), gates, false, auth);
    await worker.start({ worker: true });
    front = buildServer(name, redis(), gates, dashboard, auth);
  } else {
    front = buildServer(name, new MemoryTaskEngine(), gates, dashboard, auth);
  }
  const running = await front.run({ transport: 'http', port: 0, worker: worker === undefined });
  const url = running.url!;
  return {
    url,
    board: new URL('/dashboard/', url),
    gates,
    async client(token, headers = {}, era) {
      const client = await Client.connect(
        { url, headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } },
        // Declares elicitation, so a task may wait for input (approve_refund); the tests never drive one to its end.
        { onElicit: () => ({ action: 'decline' }), era },
      );
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((client) => client.close().catch(() => {})));
      await front.close();
      await worker?.close();
    },
  };
}

/** One dashboard API call as `token`; answers the status and the parsed body. */
export async function api(
  board: URL,
  path: string,
  token?: string,
  init: RequestInit = {},
): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  const response = await fetch(new URL(`api/${path}`, board), {
    ...init,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON
  }
  return { status: response.status, body, text };
}

export interface StreamEvent {
  type: string;
  data: Record<string, unknown>;
}

/** Read the event stream as `token` until `done(events)` holds; answers every event read and the raw text. */
export async function readStream(
  board: URL,
  token: string,
  done: (events: StreamEvent[]) => boolean,
  options: { query?: string; onOpen?: () => Promise<void>; timeoutMs?: number } = {},
): Promise<{ events: StreamEvent[]; raw: string }> {
  const abort = new AbortController();
  const timer = setTimeout(
    () => abort.abort(new Error('stream condition not met in time')),
    options.timeoutMs ?? 10_000,
  );
  const response = await fetch(new URL(`api/events${options.query ?? ''}`, board), {
    headers: { authorization: `Bearer ${token}` },
    signal: abort.signal,
  });
  const events: StreamEvent[] = [];
  let raw = '';
  let buffer = '';
  let opened = false;
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      const text = decoder.decode(chunk, { stream: true });
      raw += text;
      buffer += text;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const type = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (data) events.push({ type, data: JSON.parse(data) });
      }
      if (!opened && events.some((event) => event.type === 'snapshot')) {
        opened = true;
        await options.onOpen?.();
      }
      if (done(events)) return { events, raw };
    }
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  throw new Error(`The stream ended before the condition held: ${raw}`);
}
