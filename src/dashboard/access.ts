/**
 * Who is looking at the dashboard. The admin token sees every principal's tasks; otherwise, when the server
 * requires bearer tokens, a token the server's own verifier accepts sees the tasks of its principal, exactly the
 * tasks `tasks/get` would show it. Anything else is refused. The admin token is compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { type OAuthTokenVerifier, requireBearerAuth } from '@modelcontextprotocol/server';
import { principalOf } from '../auth/principal.js';

export type Viewer =
  | { admin: true }
  | {
      admin: false;
      /** The principal whose tasks this viewer sees. */
      owner: string;
      /** Epoch seconds after which the token no longer holds (a live stream ends then). */
      expiresAt?: number;
    };

export interface AccessSettings {
  adminToken: string;
  /** The server's `auth` option: how user tokens are verified. */
  auth?: { verifier: OAuthTokenVerifier; requiredScopes?: string[]; resourceMetadataUrl?: string };
}

export class Access {
  private readonly adminDigest: Buffer;
  private readonly verify?: ReturnType<typeof requireBearerAuth>;

  constructor(private readonly settings: AccessSettings) {
    this.adminDigest = digest(settings.adminToken);
    if (settings.auth) this.verify = requireBearerAuth(settings.auth);
  }

  /** The viewer behind `request`, or the response refusing it (401 or 403). */
  async viewerOf(request: Request): Promise<Viewer | Response> {
    const token = bearerToken(request);
    if (token !== undefined && timingSafeEqual(digest(token), this.adminDigest)) return { admin: true };
    if (!this.verify) return refused(token === undefined);
    if (token === undefined) return refused(true);
    const verified = await this.verify(request);
    if (verified instanceof Response) return verified;
    return { admin: false, owner: principalOf(verified), expiresAt: verified.expiresAt };
  }

  /** Whether `viewer` may see a task owned by `owner`. */
  static sees(viewer: Viewer, owner: string): boolean {
    return viewer.admin || viewer.owner === owner;
  }

  get usersAllowed(): boolean {
    return this.settings.auth !== undefined;
  }
}

function bearerToken(request: Request): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '');
  return match?.[1];
}

/** Equal-length digests, so `timingSafeEqual` applies whatever the length of what was sent. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

function refused(missing: boolean): Response {
  return Response.json(
    {
      error: missing
        ? 'The dashboard needs a bearer token: the admin token, or your own token when the server requires one.'
        : 'The dashboard refused this token.',
    },
    {
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="taskmcp-dashboard"', 'cache-control': 'no-store' },
    },
  );
}
