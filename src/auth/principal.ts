import type { AuthInfo } from '@modelcontextprotocol/server';

/** The principal of callers that presented no access token. */
export const ANONYMOUS = 'anonymous';

/**
 * The principal a task is bound to: the OAuth client id, narrowed to the end user (`sub`) when the token names one,
 * so two users of the same client never see each other's tasks. Anonymous callers share one principal; their task
 * ids (128 random bits) are the only capability.
 */
export function principalOf(authInfo: AuthInfo | undefined): string {
  if (!authInfo) return ANONYMOUS;
  const sub = authInfo.extra?.sub;
  return typeof sub === 'string' && sub.length > 0 ? `${authInfo.clientId}|${sub}` : authInfo.clientId;
}
