/**
 * What a fuzz case is, and how bob's requests are built on each era. Each case says what a correct server
 * must answer: `any` (only the universal rules: no 5xx, no hang, a well-formed answer), `ok` (a valid request: a
 * result), `rejected` (a JSON-RPC error or a 4xx, never a result), `not-found` (another principal's task: the same
 * -32602 as an unknown id) or `unauthorized` (401).
 *
 * The fuzzing principal is bob. His own tasks are real targets for hostile shapes; alice's tasks must stay invisible
 * to him and untouched by anything he sends. Tools that legitimately run until cancelled or for a caller-chosen time
 * (`progress`, `wait_for_cancel`) are left out: random arguments would fill the workers with valid long jobs.
 */
import { LEGACY, MODERN } from '../helpers.js';
import { HOSTILE_STRINGS, jsonObject, jsonValue, RawJson, type Rng, toJson } from './random.js';

export type Era = 'modern' | 'legacy';
export type Expectation = 'any' | 'ok' | 'rejected' | 'not-found' | 'unauthorized';

export interface FuzzCase {
  /** The generator that made it, for the report. */
  kind: string;
  httpMethod: string;
  /** Request path (default: the MCP endpoint's). */
  path?: string;
  headers: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
  expect: Expectation;
}

export interface InputTarget {
  taskId: string;
  key: string;
}

/** The tasks the storm aims at. */
export interface Targets {
  /** Bob's tasks (any status). */
  own: string[];
  /** Bob's tasks already terminal: the only ones a blocking legacy `tasks/result` may name. */
  ownTerminal: string[];
  /** Bob's outstanding input requests. */
  ownInputs: InputTarget[];
  /** Alice's tasks and input requests. */
  foreign: string[];
  foreignInputs: InputTarget[];
}

export { LEGACY, MODERN };
export const TASKS = 'io.modelcontextprotocol/tasks';
export const FUZZ_TOKEN = 'bob';

export const TOOLS = [
  'hello',
  'client_capabilities',
  'as_object',
  'typed_output',
  'bad_output',
  'whoami',
  'task_only',
  'tool_error',
  'unexpected_error',
  'protocol_fault',
  'ask_two',
  'two_rounds',
  'preflight_then_task',
  'short_lived',
  'too_slow',
  'flaky',
];

export const INPUT_ID_PREFIX = 'taskmcp-input';

/** The 2026-07-28 per-request `_meta` envelope; `declare` adds the tasks extension to the capabilities. */
export function envelope(declare: boolean): Record<string, unknown> {
  return {
    'io.modelcontextprotocol/protocolVersion': MODERN,
    'io.modelcontextprotocol/clientInfo': { name: 'fuzz', version: '1' },
    'io.modelcontextprotocol/clientCapabilities': declare
      ? { elicitation: {}, extensions: { [TASKS]: {} } }
      : { elicitation: {} },
  };
}

/** A JSON object (not null, an array or a raw JSON fragment). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof RawJson);
}

/** Whether `value` can travel as an HTTP header value unchanged (fetch refuses or trims the rest). */
export function headerSafe(value: unknown): value is string {
  return (
    typeof value === 'string' && value.length <= 4096 && /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(value)
  );
}

/**
 * Builds bob's requests for one era: the envelope, headers and ids every generator shares. Generators take it as `b`
 * and draw every random choice from its `rng`, so one seed gives one sequence of cases.
 */
export class Requests {
  private nextId = 1;

  constructor(
    readonly rng: Rng,
    readonly era: Era,
    readonly targets: Targets,
  ) {}

  /** One JSON-RPC request of this era, as bob: modern requests carry the `_meta` envelope and routing headers. */
  request(
    kind: string,
    method: unknown,
    params: unknown,
    expect: Expectation,
    options: { id?: unknown; declare?: boolean } = {},
  ): FuzzCase {
    return {
      kind,
      httpMethod: 'POST',
      headers: this.baseHeaders(method, params),
      body: toJson(this.message(method, params, options)),
      expect,
    };
  }

  /** A JSON-RPC request object (modern params get the envelope unless they bring their own `_meta`). */
  message(
    method: unknown,
    params: unknown,
    options: { id?: unknown; declare?: boolean } = {},
  ): Record<string, unknown> {
    const message: Record<string, unknown> = { jsonrpc: '2.0', id: options.id ?? this.nextId++, method };
    if (params === undefined) return message;
    message.params =
      this.era === 'modern' && isPlainObject(params) && !('_meta' in params)
        ? { ...params, _meta: envelope(options.declare ?? true) }
        : params;
    return message;
  }

  /** Content type, accept, bob's token, the protocol version and (2026-07-28) the routing headers. */
  baseHeaders(method: unknown, params: unknown): Record<string, string> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${FUZZ_TOKEN}`,
    };
    if (this.era === 'legacy') {
      if (this.rng.chance(0.8)) headers['mcp-protocol-version'] = LEGACY;
      return headers;
    }
    headers['mcp-protocol-version'] = MODERN;
    if (headerSafe(method)) headers['mcp-method'] = method;
    const name = isPlainObject(params) ? (method === 'tools/call' ? params.name : params.taskId) : undefined;
    if (headerSafe(name)) headers['mcp-name'] = name;
    return headers;
  }

  /** An id no server issued: hostile strings, well-formed unknown task ids, any JSON value. */
  hostileId(): unknown {
    return this.rng.weighted<() => unknown>([
      [4, () => this.rng.pick(HOSTILE_STRINGS)],
      [3, () => this.rng.taskLikeId()],
      [2, () => jsonValue(this.rng, 1)],
    ])();
  }

  /** A plausible answer to an elicitation (shape right, content arbitrary). */
  answer(): Record<string, unknown> {
    return this.rng.weighted<() => Record<string, unknown>>([
      [3, () => ({ action: 'accept', content: { name: 'Mallory', confirm: false } })],
      [1, () => ({ action: this.rng.pick(['decline', 'cancel']) })],
      [2, () => ({ action: 'accept', content: jsonObject(this.rng) })],
      [1, () => jsonObject(this.rng)],
    ])();
  }

  /** Answers to some of `inputs`, keyed by their input keys. */
  answersTo(inputs: InputTarget[]): Record<string, unknown> {
    const answers: Record<string, unknown> = {};
    for (const { key } of inputs) if (this.rng.chance(0.6)) answers[key] = this.answer();
    return answers;
  }
}
