/**
 * What a task keeps of its arguments (and of the answers to its input requests). A task stores them for its whole
 * life (and its retention after), so it keeps only what its tool's schema accepts: keys the schema strips are
 * dropped before storage, and what is kept must fit the configured size and depth. Every leg re-validates the stored arguments with the schema,
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
  // Iterative, like the depth check: arguments may nest deeper than the call stack allows.
  const root: { value: unknown } = { value: raw };
  const pending: Array<{ raw: unknown; parsed: unknown; put: (value: unknown) => void }> = [
    { raw, parsed, put: (value) => (root.value = value) },
  ];
  while (pending.length > 0) {
    const { raw: from, parsed: shape, put } = pending.pop()!;
    if (Array.isArray(from) && Array.isArray(shape) && from.length === shape.length) {
      const kept: unknown[] = new Array(from.length);
      put(kept);
      for (const [index, item] of from.entries()) {
        pending.push({ raw: item, parsed: shape[index], put: (v) => (kept[index] = v) });
      }
    } else if (isPlainObject(from) && isPlainObject(shape)) {
      const kept: Record<string, unknown> = {};
      put(kept);
      for (const [key, value] of Object.entries(from)) {
        if (Object.hasOwn(shape, key))
          pending.push({ raw: value, parsed: shape[key], put: (v) => (kept[key] = v) });
      }
    } else {
      put(from);
    }
  }
  return root.value as Record<string, unknown>;
}

/**
 * Why `args` exceed `limits` (a message for the caller, naming `what`), or `undefined` when they fit. Never
 * recurses, and checks depth before serialising (which would recurse).
 */
export function argumentProblem(
  args: Record<string, unknown>,
  limits: ArgumentLimits,
  what = 'Task arguments',
): string | undefined {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: args, depth: 1 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > limits.maxDepth) {
      return `${what} are nested more than ${limits.maxDepth} levels deep.`;
    }
    for (const child of Object.values(value)) stack.push({ value: child, depth: depth + 1 });
  }
  const bytes = Buffer.byteLength(JSON.stringify(args));
  if (bytes > limits.maxBytes) {
    return `${what} are ${bytes} bytes; at most ${limits.maxBytes} are kept for a task.`;
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
