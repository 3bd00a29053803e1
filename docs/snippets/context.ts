// Type-checked code for docs/context-forwarding.md. Each //#region is shown verbatim on that page.
import {
  deps,
  getAccessToken,
  getHttpHeaders,
  getHttpRequest,
  jwtVerifier,
  TaskMCP,
  type TaskMCPContext,
  ToolError,
} from 'taskmcp';
import { z } from 'zod';

declare function openDatabase(): Promise<{
  query(sql: string, params: unknown[]): Promise<unknown[]>;
  close(): Promise<void>;
}>;

export function jwtAuth() {
  //#region auth
  const server = new TaskMCP({
    name: 'reports',
    version: '1.0.0',
    auth: {
      verifier: jwtVerifier({
        jwksUrl: 'https://auth.example.com/.well-known/jwks.json',
        issuer: 'https://auth.example.com/',
        audience: 'https://reports.example.com/mcp',
      }),
      resourceMetadataUrl: 'https://reports.example.com/.well-known/oauth-protected-resource',
    },
  });
  //#endregion
  return server;
}

export function accessors(server: TaskMCP) {
  //#region accessors
  /** A helper far below the handler: no context parameter needed. */
  async function callBillingApi(path: string): Promise<unknown> {
    const token = getAccessToken();
    if (!token) throw new ToolError('Sign in to see invoices.');
    const headers = getHttpHeaders(); // inbound headers, credentials left out
    const response = await fetch(`https://billing.example.com${path}`, {
      headers: {
        authorization: `Bearer ${token.token}`,
        'accept-language': headers['accept-language'] ?? 'en',
      },
    });
    return response.json();
  }

  server.tool(
    {
      name: 'invoices',
      input: z.object({ year: z.number().int() }),
      task: true, // runs as a background task when the client can handle one
    },
    async ({ year }) => {
      const user = getAccessToken()?.claims.sub; // the same in the foreground and in a worker
      const origin = new URL(getHttpRequest().url).host; // live request, or rebuilt from the snapshot
      return { user, origin, invoices: await callBillingApi(`/invoices?year=${year}`) };
    },
  );
  //#endregion
}

export function dependencies(server: TaskMCP) {
  //#region depends
  server.tool(
    {
      name: 'monthly_report',
      input: z.object({ month: z.string() }),
      task: true,
      depends: {
        // Opened for this invocation only, closed after the handler (also when it throws).
        db: async function* () {
          const db = await openDatabase();
          try {
            yield db;
          } finally {
            await db.close();
          }
        },
        progress: deps.progress, // a fresh progress reporter per invocation
        user: (ctx: TaskMCPContext) => ctx.authInfo?.extra?.sub as string | undefined,
      },
    },
    // The second argument is still the context, with the dependencies added to it.
    async ({ month }, { db, progress, user, taskId }) => {
      await progress.set(0, { total: 2, message: `loading ${month}` });
      const rows = await db.query('select * from sales where month = $1', [month]);
      await progress.increment(1, 'summarising');
      return { user, taskId, rows: rows.length };
    },
  );
  //#endregion
}

export function encryption() {
  //#region encryption
  // 32 random bytes, hex or base64: `openssl rand -base64 32`. Same key on every front end and worker.
  const server = new TaskMCP({
    name: 'reports',
    version: '1.0.0',
    tasks: {
      engine: 'redis://127.0.0.1:6379',
      encryptionKey: process.env.REPORTS_SNAPSHOT_KEY, // or set TASKMCP_TASKS_ENCRYPTION_KEY
    },
  });
  //#endregion
  return server;
}
