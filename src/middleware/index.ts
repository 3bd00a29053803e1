/**
 * taskmcp/middleware: ready-made middleware for `server.use()`.
 *
 * Explicit named exports only: this list is the public API.
 */
export { type RateLimitOptions, rateLimit } from './rate-limit.js';
export { requireScopes, type ScopeRequirement } from './require-scopes.js';
export { type CallTiming, timing } from './timing.js';
