import type { AuthInfo } from '@modelcontextprotocol/server';

/**
 * A verified bearer token as a tool sees it, in the foreground and in a background worker alike.
 * `claims` holds everything the verifier extracted (for a JWT: its payload), including `sub` when the token names
 * an end user.
 */
export interface AccessToken {
  /** The raw bearer token, e.g. to call a downstream API on the caller's behalf. */
  readonly token: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** Expiry in seconds since the epoch. */
  readonly expiresAt?: number;
  readonly claims: Readonly<Record<string, unknown>>;
}

/** The SDK's `AuthInfo` (what verifiers return) as an {@link AccessToken}; verifiers put the claims in `extra`. */
export function toAccessToken(authInfo: AuthInfo): AccessToken {
  return Object.freeze({
    token: authInfo.token,
    clientId: authInfo.clientId,
    scopes: Object.freeze([...authInfo.scopes]),
    expiresAt: authInfo.expiresAt,
    claims: Object.freeze({ ...authInfo.extra }),
  });
}

/** Whether a token has expired (`expiresAt` is in seconds, as in `AuthInfo`); tokens without expiry never do. */
export function isExpired(authInfo: Pick<AuthInfo, 'expiresAt'>, now = Date.now()): boolean {
  return authInfo.expiresAt !== undefined && authInfo.expiresAt * 1000 <= now;
}
