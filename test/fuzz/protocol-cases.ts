/**
 * Fuzz cases at the protocol level: valid requests, hostile `tools/call` and task-method params (ids, shapes, input
 * answers), answers POSTed the 2025-11-25 way, and broken 2026-07-28 envelopes.
 */
import {
  type Expectation,
  envelope,
  type FuzzCase,
  headerSafe,
  INPUT_ID_PREFIX,
  type InputTarget,
  isPlainObject,
  LEGACY,
  MODERN,
  type Requests,
  TOOLS,
} from './cases.js';
import { HOSTILE_STRINGS, jsonObject, jsonValue, notAnObject, toJson } from './random.js';

/** Requests a correct server must serve. */
export function valid(b: Requests): FuzzCase {
  const own = b.rng.pick(b.targets.own);
  const modern = b.era === 'modern';
  const [method, params] = b.rng.pick<[string, Record<string, unknown>]>([
    ['tools/list', {}],
    ['tools/call', { name: 'hello', arguments: { name: b.rng.pick(['fuzz', '😀', 'مرحبا', '']) } }],
    ['tools/call', { name: 'as_object', arguments: {} }],
    ['tasks/get', { taskId: own }],
    modern ? ['server/discover', {}] : ['ping', {}],
    modern ? ['tools/list', {}] : ['tasks/list', {}],
  ]);
  return b.request('valid', method, params, 'ok');
}

/** `tools/call` with hostile names, arguments, `params.task`, `inputResponses` and `requestState`. */
export function toolCall(b: Requests): FuzzCase {
  const rng = b.rng;
  const name = rng.weighted<() => unknown>([
    [8, () => rng.pick(TOOLS)],
    [1, () => rng.pick(HOSTILE_STRINGS)],
    [1, () => rng.pick([42, null, {}, [], true])],
  ])();
  const params: Record<string, unknown> = { name };
  const args = rng.weighted<() => unknown>([
    [6, () => jsonObject(rng)],
    [2, () => notAnObject(rng)],
    [1, () => undefined],
    [3, () => ({ [rng.pick(['name', 'label', 'n', 'values', 'failures'])]: jsonValue(rng, 2) })],
  ])();
  if (args !== undefined) params.arguments = args;
  if (b.era === 'legacy' && rng.chance(0.4)) {
    params.task = rng.pick<unknown>([{}, { ttl: 60_000 }, { ttl: jsonValue(rng, 0) }, null, 42, 'x', []]);
  }
  let malformed = !TOOLS.includes(name as string);
  if (rng.chance(0.15)) {
    params.inputResponses = rng.weighted<() => unknown>([
      [3, () => notAnObject(rng)],
      [2, () => jsonObject(rng)],
      [2, () => ({ [rng.pick(['who', 'name', 'ok', 'first'])]: b.answer() })],
    ])();
    if (!isPlainObject(params.inputResponses)) malformed = true;
  }
  if (rng.chance(0.1)) params.requestState = jsonValue(rng, 1);
  if (rng.chance(0.05)) return b.request('tool-call', 'tools/call', notAnObject(rng), 'rejected');
  return b.request('tool-call', 'tools/call', params, malformed ? 'rejected' : 'any', {
    declare: rng.chance(0.6),
  });
}

/**
 * A task method with hostile params: unknown, malformed and foreign task ids, bob's own tasks with broken input
 * answers, hostile cursors, methods this era does not have.
 */
export function taskMethod(b: Requests): FuzzCase {
  const rng = b.rng;
  const { own, ownTerminal, foreign } = b.targets;
  const method = rng.pick(taskMethods(b));
  const declare = b.era === 'legacy' || rng.chance(0.85);
  if (rng.chance(0.08)) return b.request('task-method', method, notAnObject(rng), 'rejected');

  if (method === 'tasks/list') {
    const cursor = rng.pick<unknown>([undefined, ...HOSTILE_STRINGS.slice(0, 8), 42, null, {}]);
    const params = cursor === undefined ? {} : { cursor };
    const expect = absent(b, method) || (cursor !== undefined && typeof cursor !== 'string');
    return b.request('task-method', method, params, expect ? 'rejected' : 'any', { declare });
  }

  const target = rng.weighted<'hostile' | 'foreign' | 'own' | 'missing'>([
    [5, 'hostile'],
    [3, 'foreign'],
    [3, 'own'],
    [1, 'missing'],
  ]);
  const params: Record<string, unknown> = {};
  if (target === 'hostile') params.taskId = b.hostileId();
  if (target === 'foreign') params.taskId = rng.pick(foreign);
  if (target === 'own') {
    // tasks/result blocks until the task ends: only a terminal task of bob's may be named.
    params.taskId = method === 'tasks/result' ? rng.pick(ownTerminal) : rng.pick(own);
  }
  let wellFormed = true;
  if (method === 'tasks/update') {
    const inputResponses = rng.weighted<() => unknown>([
      [3, () => notAnObject(rng)],
      [2, () => jsonObject(rng)],
      [2, () => b.answersTo(b.targets.ownInputs)],
      [1, () => b.answersTo(b.targets.foreignInputs)],
      [1, () => undefined],
    ])();
    if (inputResponses !== undefined) params.inputResponses = inputResponses;
    wellFormed = isPlainObject(inputResponses) && Object.values(inputResponses).every(isPlainObject);
  }
  if (rng.chance(0.1)) {
    const key = rng.pick(['extra', '__proto__', 'task']);
    Object.defineProperty(params, key, { value: jsonValue(rng, 1), enumerable: true, writable: true });
  }

  let expect: Expectation = 'any';
  if (absent(b, method) || !declare || target === 'hostile' || target === 'missing' || !wellFormed) {
    expect = 'rejected';
  } else if (target === 'foreign' && headerSafe(params.taskId)) {
    expect = 'not-found';
  }
  return b.request('task-method', method, params, expect, { declare });
}

/** The task methods the storm calls on each era, two of them missing there by design. */
function taskMethods(b: Requests): string[] {
  return b.era === 'modern'
    ? ['tasks/get', 'tasks/get', 'tasks/update', 'tasks/update', 'tasks/cancel', 'tasks/result', 'tasks/list']
    : ['tasks/get', 'tasks/result', 'tasks/cancel', 'tasks/list', 'tasks/list', 'tasks/update'];
}

/** Methods that do not exist on this era (the SDK answers -32601). */
function absent(b: Requests, method: string): boolean {
  return b.era === 'modern'
    ? method === 'tasks/result' || method === 'tasks/list'
    : method === 'tasks/update';
}

/** A client's answer to a server→client request, POSTed as a JSON-RPC response (the 2025-11-25 input path). */
export function postedAnswer(b: Requests): FuzzCase {
  const rng = b.rng;
  const inputId = (target: InputTarget, key = target.key) => `${INPUT_ID_PREFIX}/${target.taskId}/${key}`;
  const id = rng.weighted<() => unknown>([
    [3, () => inputId(rng.pick(b.targets.ownInputs))],
    [3, () => inputId(rng.pick(b.targets.foreignInputs))],
    [1, () => inputId(rng.pick(b.targets.ownInputs), 'in_nope')],
    [2, () => b.hostileId()],
  ])();
  const ours = typeof id === 'string' && /^taskmcp-input\/[^/]+\/[^/]+$/.test(id);
  const message: Record<string, unknown> = { jsonrpc: '2.0', id };
  let expect: Expectation = 'any';
  if (rng.chance(0.8)) {
    message.result = rng.weighted<() => unknown>([
      [3, () => notAnObject(rng)],
      [3, () => b.answer()],
      [1, () => jsonObject(rng)],
    ])();
    if (ours && b.era === 'legacy' && !isPlainObject(message.result)) expect = 'rejected';
  } else {
    message.error = rng.pick<unknown>([{ code: -1, message: 'declined' }, jsonValue(rng, 1)]);
  }
  const headers = b.baseHeaders(undefined, undefined);
  delete headers['mcp-method'];
  return { kind: 'posted-answer', httpMethod: 'POST', headers, body: toJson(message), expect };
}

/** 2026-07-28 only: a broken per-request `_meta` envelope. */
export function brokenEnvelope(b: Requests): FuzzCase {
  const rng = b.rng;
  const meta: Record<string, unknown> = envelope(rng.chance(0.7));
  const key = rng.pick([
    'io.modelcontextprotocol/protocolVersion',
    'io.modelcontextprotocol/clientInfo',
    'io.modelcontextprotocol/clientCapabilities',
    'io.modelcontextprotocol/logLevel',
    'io.modelcontextprotocol/other',
  ]);
  if (rng.chance(0.3)) delete meta[key];
  else
    meta[key] = rng.pick<unknown>([
      jsonValue(rng, 2),
      LEGACY,
      '1999-01-01',
      `${MODERN} `,
      { extensions: [] },
    ]);
  const [method, params] = rng.pick<[string, Record<string, unknown>]>([
    ['tools/list', {}],
    ['tools/call', { name: 'hello', arguments: { name: 'meta' } }],
    ['tools/call', { name: 'whoami', arguments: { label: 'meta' } }],
    ['tasks/get', { taskId: rng.pick(b.targets.own) }],
  ]);
  const broken = rng.chance(0.15) ? notAnObject(rng) : meta;
  return b.request('envelope', method, { ...params, _meta: broken }, 'any');
}
