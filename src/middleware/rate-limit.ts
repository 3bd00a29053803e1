/**
 * Limit how often each principal may call, with a token bucket per principal: `limit` calls at once, refilled
 * evenly over `windowMs`. The buckets live in this process's memory, so each front end and each worker counts the
 * calls it runs (a task leg is a call in the process that runs it); use a shared store for a global limit.
 */
import { principalOf } from '../auth/principal.js';
import { ProtocolError, TaskErrorCode } from '../errors.js';
import type { MiddlewareCall, MiddlewareFunction } from '../server/middleware.js';

export interface RateLimitOptions {
  /** Calls a principal may make at once; the bucket's size. */
  limit: number;
  /** Time in which a drained bucket fills up again. */
  windowMs: number;
  /** Whose bucket a call draws from (default: its principal, as tasks are bound: client and `sub`). */
  key?: (call: MiddlewareCall) => string;
  /** The clock, in milliseconds (tests). */
  now?: () => number;
}

/** Buckets kept at most; beyond it, full buckets (callers at rest) are forgotten, as a new one would be full. */
const MAX_BUCKETS = 10_000;

/** Middleware that fails calls beyond the limit with `TaskErrorCode.RateLimited` (-32013) and `data.retryAfterMs`. */
export function rateLimit(options: RateLimitOptions): MiddlewareFunction {
  const { limit, windowMs } = options;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`rateLimit: limit must be a whole number of calls, at least 1 (got ${limit}).`);
  }
  if (!Number.isFinite(windowMs) || windowMs <= 0) {
    throw new RangeError(`rateLimit: windowMs must be a positive number of milliseconds (got ${windowMs}).`);
  }
  const key = options.key ?? ((call: MiddlewareCall) => principalOf(call.context.authInfo));
  const now = options.now ?? Date.now;
  const perMs = limit / windowMs;
  const buckets = new Map<string, { tokens: number; at: number }>();
  const level = (bucket: { tokens: number; at: number }, time: number) =>
    Math.min(limit, bucket.tokens + (time - bucket.at) * perMs);

  return async (call, next) => {
    const time = now();
    const id = key(call);
    const bucket = buckets.get(id) ?? { tokens: limit, at: time };
    const tokens = level(bucket, time);
    if (tokens < 1) {
      buckets.set(id, { tokens, at: time });
      const retryAfterMs = Math.ceil((1 - tokens) / perMs);
      throw new ProtocolError(
        TaskErrorCode.RateLimited,
        `Too many calls: at most ${limit} per ${windowMs} ms; retry in ${retryAfterMs} ms.`,
        { retryAfterMs },
      );
    }
    buckets.set(id, { tokens: tokens - 1, at: time });
    if (buckets.size > MAX_BUCKETS) {
      for (const [other, kept] of buckets) if (level(kept, time) >= limit) buckets.delete(other);
    }
    return next();
  };
}
