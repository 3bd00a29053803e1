/**
 * The dashboard's settings: where it is served and the admin token that sees every principal's tasks. The token
 * comes from the option, else `TASKMCP_DASHBOARD_TOKEN`, else a random one made for this process (and shown once
 * when the server starts, since nobody could use the dashboard as an administrator otherwise).
 */
import { randomBytes } from 'node:crypto';

export const DASHBOARD_TOKEN_ENV = 'TASKMCP_DASHBOARD_TOKEN';
export const DEFAULT_DASHBOARD_PATH = '/dashboard/';
/** Shorter admin tokens are refused: the token is the only thing between the network and every task. */
export const MIN_TOKEN_LENGTH = 16;

export interface DashboardOptions {
  /**
   * The admin bearer token: it sees every principal's tasks, with their owners. Falls back to
   * `TASKMCP_DASHBOARD_TOKEN`; without either, a random token is generated and logged when the server starts.
   * At least 16 characters.
   */
  token?: string;
  /** Where the page and its JSON API are served (default `/dashboard/`). */
  path?: string;
}

export interface ResolvedDashboardOptions {
  path: string;
  token: string;
  /** Whether the token was generated for this process (it is then logged once, with the URL). */
  generated: boolean;
}

export function resolveDashboardOptions(
  options: DashboardOptions,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedDashboardOptions {
  const path = dashboardPath(options.path ?? DEFAULT_DASHBOARD_PATH);
  const configured = options.token ?? (env[DASHBOARD_TOKEN_ENV] || undefined);
  if (configured === undefined) {
    return { path, token: generateDashboardToken(), generated: true };
  }
  if (configured.length < MIN_TOKEN_LENGTH || /\s/.test(configured)) {
    const source = options.token === undefined ? DASHBOARD_TOKEN_ENV : 'The dashboard token option';
    throw new TypeError(
      `${source} must be at least ${MIN_TOKEN_LENGTH} characters with no spaces (try: openssl rand -hex 24).`,
    );
  }
  return { path, token: configured, generated: false };
}

/**
 * A fresh admin token: 192 random bits as hex. Hex, not base64url: it travels in a `#token=` link and is pasted
 * into shells, and a base64url token starts with `-` one time in 64, which `--token <it>` then reads as an option.
 */
export function generateDashboardToken(): string {
  return randomBytes(24).toString('hex');
}

/** `/ops/tasks` → `/ops/tasks/`: the page's relative links (`app.js`, `api/…`) resolve below it. */
export function dashboardPath(path: string): string {
  if (
    !/^\/[A-Za-z0-9._~\-/]+$/.test(path) ||
    /^\/+$/.test(path) ||
    path.split('/').some((part) => part === '..' || part === '.')
  ) {
    throw new TypeError(
      `The dashboard path must be a plain absolute path such as '/dashboard/', got '${path}'.`,
    );
  }
  return path.endsWith('/') ? path : `${path}/`;
}

/** The dashboard's URL on the server whose MCP endpoint is `endpoint` (same origin). */
export function dashboardUrl(endpoint: URL | string, path = DEFAULT_DASHBOARD_PATH): URL {
  return new URL(dashboardPath(path), new URL(endpoint).origin);
}
