import {
  type AuthInfo,
  OAuthError,
  OAuthErrorCode,
  type OAuthTokenVerifier,
} from '@modelcontextprotocol/server';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
} from 'jose';

export interface JwtVerifierOptions {
  /** Where the authorization server publishes its signing keys (fetched and cached by `jose`). */
  jwksUrl?: string | URL;
  /** A fixed key set instead of `jwksUrl`. */
  jwks?: JSONWebKeySet;
  /** Required `iss`. */
  issuer?: string | string[];
  /** Required `aud` (this server's resource identifier, per RFC 8707 / RFC 9068). */
  audience?: string | string[];
  /** Accepted signing algorithms (default: whatever the keys allow; never `none`). */
  algorithms?: string[];
  /** Allowed clock skew for `exp`/`nbf`, in seconds (default 0). */
  clockToleranceSeconds?: number;
  /** Claim holding the OAuth client id (default: `client_id`, then `azp`, per RFC 9068 and OIDC). */
  clientIdClaim?: string;
}

/**
 * A verifier for JWT access tokens (RFC 9068) signed with keys from a JWKS. The token's claims become the access
 * token's `claims` (so `sub` binds tasks to the end user); `scope` (space-separated) or `scp` (array) its scopes.
 * Invalid, expired and unverifiable tokens are rejected with `invalid_token` (401 with a challenge); a key set that
 * cannot be fetched is a server error, not the caller's fault.
 */
export function jwtVerifier(options: JwtVerifierOptions): OAuthTokenVerifier {
  if (!options.jwksUrl === !options.jwks) {
    throw new TypeError('jwtVerifier needs exactly one of jwksUrl or jwks.');
  }
  const keys = options.jwks
    ? createLocalJWKSet(options.jwks)
    : createRemoteJWKSet(new URL(String(options.jwksUrl)));
  return {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keys, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: options.algorithms,
          clockTolerance: options.clockToleranceSeconds,
          requiredClaims: ['exp'],
        }));
      } catch (error) {
        if (error instanceof errors.JOSEError && !(error instanceof errors.JWKSTimeout)) {
          throw new OAuthError(OAuthErrorCode.InvalidToken, describe(error));
        }
        throw new OAuthError(
          OAuthErrorCode.ServerError,
          `Cannot verify access tokens right now: ${(error as Error).message}`,
        );
      }
      const clientId = clientIdOf(payload, options.clientIdClaim);
      if (!clientId) {
        throw new OAuthError(
          OAuthErrorCode.InvalidToken,
          `The access token names no client (${options.clientIdClaim ?? 'client_id or azp'} claim).`,
        );
      }
      return { token, clientId, scopes: scopesOf(payload), expiresAt: payload.exp, extra: { ...payload } };
    },
  };
}

function clientIdOf(payload: JWTPayload, claim: string | undefined): string | undefined {
  const candidates = claim ? [payload[claim]] : [payload.client_id, payload.azp];
  return candidates.find((value): value is string => typeof value === 'string' && value.length > 0);
}

function scopesOf(payload: JWTPayload): string[] {
  if (typeof payload.scope === 'string') return payload.scope.split(' ').filter(Boolean);
  if (Array.isArray(payload.scp)) return payload.scp.filter((s): s is string => typeof s === 'string');
  return [];
}

function describe(error: InstanceType<typeof errors.JOSEError>): string {
  if (error instanceof errors.JWTExpired) return 'The access token has expired.';
  if (error instanceof errors.JWTClaimValidationFailed)
    return `The access token was rejected: ${error.message}.`;
  return 'The access token is not a valid signed JWT for this server.';
}
