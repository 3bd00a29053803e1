/**
 * The tasks dashboard: a page and a JSON API served beside the MCP endpoint, off unless asked for
 * (`new TaskMCP({ dashboard: true })` or `taskmcp run --dashboard`). Operators see every principal's tasks with
 * the admin token; with the server's `auth`, anyone else sees their own tasks with their own token. The page is
 * static (assets/), reads the API with the token in a header, and follows a live stream fed by `engine.watchAll`.
 */
import type { OAuthTokenVerifier } from '@modelcontextprotocol/server';
import type { HttpRoute } from '../server/serve.js';
import type { TaskEngine } from '../tasks/engine.js';
import { Access } from './access.js';
import { DashboardApi } from './api.js';
import { pageHtml } from './assets/page.js';
import { SCRIPT } from './assets/script.js';
import { STYLE } from './assets/style.js';
import { type DashboardOptions, dashboardUrl, resolveDashboardOptions } from './options.js';

export {
  DASHBOARD_TOKEN_ENV,
  type DashboardOptions,
  DEFAULT_DASHBOARD_PATH,
  dashboardPath,
  dashboardUrl,
  generateDashboardToken,
} from './options.js';
export type { TaskDetail, TaskSummary } from './views.js';

/** A served dashboard: where it is and its admin token. */
export interface DashboardSite {
  /** The path it is served at, ending with `/` (default `/dashboard/`). */
  readonly path: string;
  /** The admin token (from the option, `TASKMCP_DASHBOARD_TOKEN`, or generated for this process). */
  readonly token: string;
  /** Whether the token was generated for this process. */
  readonly generated: boolean;
  /** The dashboard's URL on the server whose MCP endpoint is `endpoint`. */
  url(endpoint: URL | string): URL;
}

export interface DashboardHost {
  /** Serve `handler` at `path` beside the MCP endpoint (`TaskMCP.route`). */
  route(path: string, handler: HttpRoute): void;
  /** The server's task engine, once started. */
  engine(): TaskEngine;
  /** The server's `auth` option, when it requires bearer tokens. */
  auth?: { verifier: OAuthTokenVerifier; requiredScopes?: string[]; resourceMetadataUrl?: string };
  /** Shown in the page's title. */
  title: string;
}

/** The page's own headers: it loads nothing from elsewhere, runs no inline script, and is never framed. */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-cache',
};

export function mountDashboard(host: DashboardHost, options: DashboardOptions = {}): DashboardSite {
  const { path, token, generated } = resolveDashboardOptions(options);
  const api = new DashboardApi(host.engine, new Access({ adminToken: token, auth: host.auth }));
  const page = pageHtml(host.title);
  const assets: Record<string, { body: string; type: string }> = {
    '': { body: page, type: 'text/html; charset=utf-8' },
    'index.html': { body: page, type: 'text/html; charset=utf-8' },
    'app.js': { body: SCRIPT, type: 'text/javascript; charset=utf-8' },
    'style.css': { body: STYLE, type: 'text/css; charset=utf-8' },
  };
  const bare = path.slice(0, -1);
  host.route(bare, () => new Response(null, { status: 308, headers: { location: path } }));
  host.route(path, async (request) => {
    const below = new URL(request.url).pathname.slice(path.length);
    if (below.startsWith('api/')) {
      try {
        return await api.handle(request, below.slice(4));
      } catch (error) {
        return Response.json(
          { error: `The task engine could not answer: ${(error as Error).message}` },
          { status: 503, headers: { 'cache-control': 'no-store' } },
        );
      }
    }
    const asset = assets[below];
    if (!asset) return new Response(`Not found: ${below}\n`, { status: 404, headers: PAGE_HEADERS });
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Use GET.\n', { status: 405, headers: { allow: 'GET, HEAD' } });
    }
    return new Response(request.method === 'HEAD' ? null : asset.body, {
      headers: { ...PAGE_HEADERS, 'content-type': asset.type },
    });
  });
  return { path, token, generated, url: (endpoint) => dashboardUrl(endpoint, path) };
}

/** The line a server logs when it starts serving its dashboard (with the token only when it was generated). */
export function dashboardNotice(site: DashboardSite, endpoint: URL): string {
  const url = site.url(endpoint).href;
  return site.generated
    ? `tasks dashboard on ${url}#token=${site.token} (admin token generated for this process; set TASKMCP_DASHBOARD_TOKEN to choose one)`
    : `tasks dashboard on ${url}`;
}
