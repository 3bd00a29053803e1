/**
 * Refuse calls whose caller's access token lacks the scopes they need, before the handler runs. The token is the
 * one the call came with; in a task leg, the one restored from the task's snapshot, which is gone once it expires,
 * so a leg that runs after its caller's token expired is refused too.
 */
import { ProtocolError, TaskErrorCode } from '../errors.js';
import type { MiddlewareCall, MiddlewareFunction } from '../server/middleware.js';

/** The scopes a call needs: one list for every call, or a function of the call (`undefined` or `[]`: none). */
export type ScopeRequirement = readonly string[] | ((call: MiddlewareCall) => readonly string[] | undefined);

/**
 * Middleware that fails a call with `TaskErrorCode.InsufficientScope` (-32012) unless the caller's token carries
 * every scope `required` names for it; `data.missingScopes` lists those it lacks. Anonymous callers have no scopes.
 */
export function requireScopes(required: ScopeRequirement): MiddlewareFunction {
  return async (call, next) => {
    const needed = typeof required === 'function' ? (required(call) ?? []) : required;
    const granted = call.context.authInfo?.scopes ?? [];
    const missing = needed.filter((scope) => !granted.includes(scope));
    if (missing.length > 0) {
      const who = call.context.authInfo
        ? "the caller's token lacks"
        : 'the caller presented no valid token, so lacks';
      throw new ProtocolError(
        TaskErrorCode.InsufficientScope,
        `The ${call.kind} '${call.name}' needs the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; ${who} ${missing.length > 1 ? 'them' : 'it'}.`,
        { requiredScopes: [...needed], missingScopes: missing },
      );
    }
    return next();
  };
}
