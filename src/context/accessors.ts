/**
 * Ambient accessors for the caller of the current invocation (a tool call or task leg, a resource read, a prompt
 * get, and the middleware around them). They read the invocation's context through
 * AsyncLocalStorage, so any helper a handler calls can use them without parameter passing, and they answer the
 * same in the foreground and in a background worker (where the values come from the task's context snapshot).
 */
import { type AccessToken, toAccessToken } from '../auth/access-token.js';
import { currentContext, getContext, httpInfoOf } from './context.js';

/** Headers that carry credentials: left out of {@link getHttpHeaders} unless asked for by name. */
export const CREDENTIAL_HEADERS: readonly string[] = ['authorization', 'proxy-authorization', 'cookie'];

export interface HttpHeadersOptions {
  /** Credential headers to include anyway (e.g. `['authorization']`), or `'all'` for every header. */
  include?: readonly string[] | 'all';
}

/**
 * The caller's verified access token, or `undefined` for an anonymous caller (or, in a worker, when the token
 * expired before the task ran). Outside an invocation there is no caller: `undefined`.
 */
export function getAccessToken(): AccessToken | undefined {
  const authInfo = currentContext()?.authInfo;
  return authInfo ? toAccessToken(authInfo) : undefined;
}

/**
 * The inbound HTTP headers of the call (lowercased names), without credentials unless `include` names them.
 * Empty over stdio and outside an invocation.
 */
export function getHttpHeaders(options: HttpHeadersOptions = {}): Record<string, string> {
  const context = currentContext();
  const headers = context ? httpInfoOf(context)?.headers : undefined;
  if (!headers) return {};
  const include = options.include ?? [];
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const credential = CREDENTIAL_HEADERS.includes(name);
    if (!credential || include === 'all' || include.some((wanted) => wanted.toLowerCase() === name)) {
      kept[name] = value;
    }
  }
  return kept;
}

/**
 * The HTTP request the call came in on: the live `Request` in the foreground; in a background worker, a `Request`
 * rebuilt from the task's snapshot (same method, URL and headers; no body).
 *
 * @throws Error outside an invocation, or when the call did not come over HTTP (stdio).
 */
export function getHttpRequest(): Request {
  const info = httpInfoOf(getContext());
  if (!info) {
    throw new Error('getHttpRequest(): this invocation did not come over HTTP (stdio has no HTTP request).');
  }
  return info.request ?? new Request(info.url, { method: info.method, headers: info.headers });
}
