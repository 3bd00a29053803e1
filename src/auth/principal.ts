import type { AuthInfo } from '@modelcontextprotocol/server';

/** The principal of callers that presented no access token. */
export const ANONYMOUS = 'anonymous';

/**
 * The principal a task is bound to: the OAuth client id, narrowed to the end user (the token's `sub` claim) when
 * the token names one, so two users of the same client never see each other's tasks. Anonymous callers share one
 * principal; their task ids (128 random bits) are the only capability.
 *
 * Both parts are percent-encoded and prefixed, so no client id or subject can spell another principal: client
 * `a|b` is not client `a` with subject `b`, and a client named `anonymous` is not the anonymous principal.
 */
export function principalOf(authInfo: AuthInfo | undefined): string {
  if (!authInfo) return ANONYMOUS;
  const client = `client:${encodeURIComponent(authInfo.clientId)}`;
  const sub = authInfo.extra?.sub;
  return typeof sub === 'string' && sub.length > 0 ? `${client}|${encodeURIComponent(sub)}` : client;
}
