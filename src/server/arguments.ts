/**
 * What a task keeps of its arguments. A task stores its arguments for its whole life (and its retention after),
 * so it keeps only what its tool's schema accepts: keys the schema strips are dropped before storage, and the
 * arguments must fit the configured size and depth. Every leg re-validates the stored arguments with the schema,
 * so they are kept as received (not as parsed, which a transform may have made unparseable again).
 */

/** Bounds on one task's stored arguments. */
export interface ArgumentLimits {
  /** Serialised size in bytes (default 1 MiB). */
  maxBytes: number;
  /** Nesting of objects and arrays (default 64). */
  maxDepth: number;
}

export const ARGUMENT_LIMITS: ArgumentLimits = { maxBytes: 1024 * 1024, maxDepth: 64 };

/**
 * `raw` without what the schema stripped: object keys that `parsed` lacks are dropped, at every level where both
 * are plain objects or arrays. Where the schema changed a value's shape (a transform, a coercion), the raw value is
 * kept whole, so re-parsing it yields the same result.
 */
export function keptArguments(raw: Record<string, unknown>, parsed: unknown): Record<string, unknown> {
  return prune(raw, parsed) as Record<string, unknown>;
}

function prune(raw: unknown, parsed: unknown): unknown {
  if (Array.isArray(raw) && Array.isArray(parsed) && raw.length === parsed.length) {
    return raw.map((item, index) => prune(item, parsed[index]));
  }
  if (isPlainObject(raw) && isPlainObject(parsed)) {
    const kept: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
      if (Object.hasOwn(parsed, key)) kept[key] = prune(value, parsed[key]);
    }
    return kept;
  }
  return raw;
}

/** Why `args` exceed `limits` (a message for the caller), or `undefined` when they fit. Never recurses. */
export function argumentProblem(args: Record<string, unknown>, limits: ArgumentLimits): string | undefined {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: args, depth: 1 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > limits.maxDepth) {
      return `Task arguments are nested more than ${limits.maxDepth} levels deep.`;
    }
    for (const child of Object.values(value)) stack.push({ value: child, depth: depth + 1 });
  }
  const bytes = Buffer.byteLength(JSON.stringify(args));
  if (bytes > limits.maxBytes) {
    return `Task arguments are ${bytes} bytes; at most ${limits.maxBytes} are kept for a task.`;
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
