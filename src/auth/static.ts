import {
  type AuthInfo,
  OAuthError,
  OAuthErrorCode,
  type OAuthTokenVerifier,
} from '@modelcontextprotocol/server';

export interface StaticTokenGrant {
  clientId: string;
  scopes?: string[];
  /** The end user the token speaks for; tasks are bound to `clientId|sub` when set. */
  sub?: string;
  /** Expiry in seconds since the epoch (default: one hour after verification). */
  expiresAt?: number;
  claims?: Record<string, unknown>;
}

/**
 * A verifier for a fixed set of bearer tokens: development, tests, and service-to-service setups with long-lived
 * keys. Unknown and expired tokens are rejected with `invalid_token` (answered as 401 with a challenge).
 */
export function staticTokenVerifier(tokens: Record<string, StaticTokenGrant>): OAuthTokenVerifier {
  const grants = new Map(Object.entries(tokens));
  return {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      const grant = grants.get(token);
      if (!grant) throw new OAuthError(OAuthErrorCode.InvalidToken, 'Unknown access token.');
      const expiresAt = grant.expiresAt ?? Math.floor(Date.now() / 1000) + 3600;
      if (expiresAt * 1000 <= Date.now())
        throw new OAuthError(OAuthErrorCode.InvalidToken, 'The access token has expired.');
      const extra: Record<string, unknown> = { ...grant.claims };
      if (grant.sub !== undefined) extra.sub = grant.sub;
      return { token, clientId: grant.clientId, scopes: grant.scopes ?? [], expiresAt, extra };
    },
  };
}
