/**
 * Seeded randomness and hostile JSON for the HTTP fuzz tests. Every case is drawn from one seeded generator, so a
 * failing run replays with `FUZZ_SEED=<seed>` (the failure message prints it). Values that `JSON.stringify` cannot
 * produce (5,000-level nesting, `1e400`, `-0`) are spliced into request bodies as raw JSON text.
 */

/** The run's seed: `FUZZ_SEED` when set (to replay a failure), a fresh one otherwise. */
export function fuzzSeed(): number {
  const fromEnv = Number(process.env.FUZZ_SEED);
  return Number.isSafeInteger(fromEnv) && fromEnv > 0 ? fromEnv : Math.floor(Math.random() * 2 ** 31) + 1;
}

/** xorshift32: small, fast and good enough to pick test cases. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** A float in [0, 1). */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 2 ** 32;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** One of `entries`, each as likely as its weight. */
  weighted<T>(entries: ReadonlyArray<readonly [number, T]>): T {
    const total = entries.reduce((sum, [weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [weight, value] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return entries[entries.length - 1]![1];
  }

  /** A fresh id in task-id format (`t` + 22 base64url characters) that no server issued. */
  taskLikeId(): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    let id = 't';
    for (let i = 0; i < 22; i++) id += this.pick([...alphabet]);
    return id;
  }
}

/** JSON text spliced verbatim into a body built by {@link toJson}. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** Serialise a value that may contain {@link RawJson} parts. Plain parts go through `JSON.stringify`. */
export function toJson(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const members = Object.entries(value).map(([key, member]) => `${JSON.stringify(key)}:${toJson(member)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const big = new Map<number, string>();

/** A string of about `megabytes` MB (cached: building 5 MB strings per request would dominate the run). */
export function hugeString(megabytes: number): string {
  const bytes = Math.round(megabytes * 1024 * 1024);
  let text = big.get(bytes);
  if (!text) {
    text = 'fuzz-'.repeat(Math.ceil(bytes / 5)).slice(0, bytes);
    big.set(bytes, text);
  }
  return text;
}

/** `{"a":{"a":…1…}}`, `levels` deep, as raw JSON (`JSON.stringify` overflows the stack on it). */
export function nestedObject(levels: number): RawJson {
  return new RawJson(`${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`);
}

/** Nesting `levels` deep: objects, arrays or both, as raw JSON. */
export function deeplyNested(rng: Rng, levels: number): RawJson {
  const shape = rng.pick(['object', 'array', 'mixed'] as const);
  const open = { object: '{"a":', array: '[', mixed: '[{"a":' }[shape];
  const close = { object: '}', array: ']', mixed: '}]' }[shape];
  const depth = shape === 'mixed' ? Math.ceil(levels / 2) : levels;
  return new RawJson(open.repeat(depth) + rng.pick(['1', 'null', '"leaf"', '{}']) + close.repeat(depth));
}

/** Strings a server should take as plain data: traversal, globs, control and unpaired surrogate characters, RTL. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  '\u0000\u0001\u001f',
  '../../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '{}',
  '[]',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  '\ud800',
  '\udfff\ud800',
  '😀🔥👩‍👩‍👧‍👦',
  'مرحبا',
  '\u202eevil\u202c',
  'Ａ'.repeat(64),
  '*',
  'taskmcp-test:*',
  '?',
  "' OR 1=1 --",
  '$where',
  '%s%s%s%n',
  '\r\nX-Injected: 1',
  'taskmcp-input/x/y',
  'taskmcp-input//',
  'x'.repeat(10_000),
];

/** Numbers, including ones JSON can spell but JavaScript cannot hold exactly. */
const HOSTILE_NUMBERS: readonly unknown[] = [
  0,
  -1,
  1.5,
  2 ** 53,
  -(2 ** 53),
  1e308,
  new RawJson('-0'),
  new RawJson('1e400'),
  new RawJson('-1e400'),
  new RawJson('1E-400'),
  new RawJson('123456789012345678901234567890'),
];

export const HOSTILE_KEYS: readonly string[] = [
  'name',
  'label',
  'n',
  'values',
  'task',
  'extra',
  '__proto__',
  'constructor',
  'prototype',
  '',
  '😀',
  '\u0000',
  'a.b',
  '$ref',
  'x'.repeat(300),
];

/** A random JSON value up to `depth` levels of containers. */
export function jsonValue(rng: Rng, depth = 3): unknown {
  const kind = rng.weighted<'primitive' | 'string' | 'number' | 'array' | 'object'>([
    [2, 'primitive'],
    [3, 'string'],
    [2, 'number'],
    [depth > 0 ? 1 : 0, 'array'],
    [depth > 0 ? 2 : 0, 'object'],
  ]);
  switch (kind) {
    case 'primitive':
      return rng.pick([null, true, false]);
    case 'string':
      return rng.pick(HOSTILE_STRINGS);
    case 'number':
      return rng.pick(HOSTILE_NUMBERS);
    case 'array':
      return Array.from({ length: rng.int(0, 4) }, () => jsonValue(rng, depth - 1));
    case 'object':
      return jsonObject(rng, depth - 1);
  }
}

/** A random JSON object with hostile keys (`__proto__` included, as an own member of the JSON text). */
export function jsonObject(rng: Rng, depth = 2): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (let i = rng.int(0, 4); i > 0; i--) {
    Object.defineProperty(object, rng.pick(HOSTILE_KEYS), {
      value: jsonValue(rng, depth),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return object;
}

/** Any JSON value that is not an object: what a field expecting an object must refuse. */
export function notAnObject(rng: Rng): unknown {
  return rng.pick<unknown>([null, 'str', '', 42, 0, true, [], [{}], ['a', 1]]);
}
