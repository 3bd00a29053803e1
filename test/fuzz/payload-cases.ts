/**
 * Fuzz cases at the transport level: bodies that are not JSON-RPC, damaged JSON, wrong headers and HTTP methods,
 * batches, multi-megabyte fields and 5,000–20,000-level nesting.
 */
import {
  type Expectation,
  envelope,
  type FuzzCase,
  INPUT_ID_PREFIX,
  isPlainObject,
  LEGACY,
  MODERN,
  type Requests,
  TOOLS,
} from './cases.js';
import { valid } from './protocol-cases.js';
import { deeplyNested, HOSTILE_STRINGS, hugeString, jsonValue, notAnObject, toJson } from './random.js';

/** Bodies that are JSON but not a JSON-RPC request. */
export function shape(b: Requests): FuzzCase {
  const rng = b.rng;
  const [body, expect] = rng.pick<[unknown, Expectation]>([
    [null, 'rejected'],
    [42, 'rejected'],
    ['str', 'rejected'],
    [true, 'rejected'],
    [{}, 'rejected'],
    [[[]], 'rejected'],
    [[1, 2], 'rejected'],
    [{ jsonrpc: '2.0' }, 'rejected'],
    [{ id: 1 }, 'rejected'],
    [{ method: 'tools/list', id: 1 }, 'rejected'],
    [{ jsonrpc: '1.0', id: 1, method: 'tools/list' }, 'rejected'],
    [{ jsonrpc: '2.0', id: 1, method: jsonValue(rng, 1) }, 'any'],
    [{ jsonrpc: '2.0', id: 1, method: '' }, 'rejected'],
    [{ jsonrpc: '2.0', id: 1, method: rng.pick(HOSTILE_STRINGS.slice(2)) }, 'rejected'],
    [{ jsonrpc: '2.0', id: jsonValue(rng, 1), method: 'tools/list' }, 'any'],
    [{ jsonrpc: '2.0', id: null, method: 'tools/list' }, 'any'],
    [{ jsonrpc: '2.0', method: 'notifications/initialized' }, 'any'],
    [{ jsonrpc: '2.0', method: 'notifications/cancelled', params: jsonValue(rng, 1) }, 'any'],
    [{ jsonrpc: '2.0', id: 1, method: 'tools/list', result: {} }, 'any'],
    [{ jsonrpc: '2.0', id: 1, method: 'tools/list', params: notAnObject(rng) }, 'any'],
    [{ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'hello' }, junk: jsonValue(rng) }, 'any'],
  ]);
  const message = isPlainObject(body) && b.era === 'modern' && 'method' in body && !('params' in body);
  const withMeta = message ? { ...body, params: { _meta: envelope(true) } } : body;
  const headers = b.baseHeaders(isPlainObject(body) ? body.method : undefined, undefined);
  return { kind: 'shape', httpMethod: 'POST', headers, body: toJson(withMeta), expect };
}

/** A valid request's body, damaged. */
export function brokenJson(b: Requests): FuzzCase {
  const rng = b.rng;
  const base = valid(b);
  const text = base.body as string;
  const cut = rng.int(0, text.length - 1);
  const [body, expect] = rng.pick<[string | Uint8Array<ArrayBuffer>, Expectation]>([
    [text.slice(0, cut), 'rejected'],
    [text.slice(0, cut), 'rejected'],
    [text + rng.pick(['}', ']]', 'x', '\u0000', ',']), 'rejected'],
    [text.slice(0, cut) + text.slice(cut + 1), 'any'],
    [`\ufeff${text}`, 'any'],
    [text.replace(/"/g, "'"), 'rejected'],
    [text.replace('{', '{/* c */'), 'rejected'],
    [text.replace(/:(\d+)/, ':NaN'), 'any'],
    [text.replace('"jsonrpc"', '"id":{"a":1},"jsonrpc"'), 'any'],
    [invalidUtf8(text), 'any'],
    ['', 'rejected'],
    ['   ', 'rejected'],
  ]);
  return { ...base, kind: 'broken-json', body, expect };
}

/** A valid request with one header wrong. */
export function headers(b: Requests): FuzzCase {
  const rng = b.rng;
  const base = valid(b);
  const headers = { ...base.headers };
  let expect: Expectation = 'any';
  const which = rng.pick([
    'content-type',
    'accept',
    'mcp-protocol-version',
    'mcp-method',
    'mcp-name',
    'authorization',
    'huge',
  ]);
  const set = (value: string | undefined) => {
    if (value === undefined) delete headers[which];
    else headers[which] = value;
  };
  switch (which) {
    case 'content-type':
      set(
        rng.pick([
          undefined,
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/jsonx',
          'application/json; charset=utf-16',
          'APPLICATION/JSON',
          'application/json;;;',
          'text/json',
        ]),
      );
      break;
    case 'accept':
      set(
        rng.pick([undefined, 'text/html', 'application/json', 'text/event-stream', '*/*', 'application/*']),
      );
      break;
    case 'mcp-protocol-version':
      set(
        rng.pick([
          undefined,
          'garbage',
          '2024-11-05',
          '2025-06-18',
          LEGACY,
          MODERN,
          '9999-99-99',
          'x'.repeat(5000),
        ]),
      );
      break;
    case 'mcp-method':
    case 'mcp-name':
      set(rng.pick([undefined, 'tasks/get', 'tools/call', 'hello', 'x'.repeat(3000)]));
      break;
    case 'authorization':
      set(rng.pick([undefined, 'Bearer nope', 'Basic Ym9iOmJvYg==', `Bearer ${'x'.repeat(8000)}`, 'Bearer']));
      expect = 'unauthorized';
      break;
    case 'huge':
      headers['x-fuzz'] = 'x'.repeat(rng.pick([9000, 20_000, 70_000]));
      break;
  }
  return { ...base, kind: 'headers', headers, expect };
}

/** A valid request with another HTTP method, or to another path. */
export function httpMethod(b: Requests): FuzzCase {
  const rng = b.rng;
  const base = valid(b);
  if (rng.chance(0.5)) {
    const httpMethod = rng.pick(['GET', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD']);
    const body = httpMethod === 'GET' || httpMethod === 'HEAD' ? undefined : base.body;
    return { ...base, kind: 'http-method', httpMethod, body, expect: 'any' };
  }
  const path = rng.pick(['/', '/mcp/', '/MCP', '/mcp/x', '/mcp%00', '/%2e%2e/mcp', '/mcp?x=1', '/mcp#x']);
  return { ...base, kind: 'http-path', path, expect: 'any' };
}

/** JSON-RPC batch arrays: empty, mixed with junk, or over the SDK's 100-message limit. */
export function batch(b: Requests): FuzzCase {
  const rng = b.rng;
  const size = rng.pick([0, 1, 2, 3, 101]);
  const items = Array.from({ length: size }, () =>
    rng.chance(0.7) ? b.message('tools/list', {}) : jsonValue(rng, 1),
  );
  return { ...valid(b), kind: 'batch', body: toJson(items), expect: 'any' };
}

/** 1–5 MB in one field. */
export function huge(b: Requests): FuzzCase {
  const rng = b.rng;
  const text = hugeString(rng.pick([1, 2.5, 5]));
  const where = rng.pick(['argument', 'name', 'taskId', 'inputResponses', 'method', 'id', 'answer']);
  switch (where) {
    case 'argument':
      return b.request('huge', 'tools/call', { name: 'hello', arguments: { name: text } }, 'any');
    case 'name':
      return b.request('huge', 'tools/call', { name: text, arguments: {} }, 'rejected');
    case 'taskId':
      return b.request('huge', 'tasks/get', { taskId: text }, 'rejected');
    case 'inputResponses': {
      const taskId = rng.pick(b.targets.own);
      const answers = {
        [rng.pick(b.targets.ownInputs).key]: { action: 'accept', content: { name: text } },
      };
      return b.era === 'modern'
        ? b.request('huge', 'tasks/update', { taskId, inputResponses: answers }, 'any')
        : b.request('huge', 'tools/call', { name: 'ask_two', inputResponses: answers }, 'any');
    }
    case 'method':
      return b.request('huge', text, {}, 'rejected');
    case 'id':
      return b.request('huge', 'tools/list', {}, 'any', { id: text });
    default: {
      const target = rng.pick(b.targets.ownInputs);
      const body = toJson({
        jsonrpc: '2.0',
        id: `${INPUT_ID_PREFIX}/${target.taskId}/${target.key}`,
        result: { action: 'accept', content: { name: text } },
      });
      return { ...valid(b), kind: 'huge', body, expect: 'any' };
    }
  }
}

/** 5,000–20,000 levels of nesting in one field. */
export function deep(b: Requests): FuzzCase {
  const rng = b.rng;
  const nested = deeplyNested(rng, rng.pick([5_000, 10_000, 20_000]));
  const where = rng.pick(['argument', 'arguments', 'inputResponses', 'meta', 'id', 'params', 'answer']);
  const tool = rng.pick(TOOLS);
  switch (where) {
    case 'argument':
      return b.request('deep', 'tools/call', { name: tool, arguments: { extra: nested } }, 'any', {
        declare: rng.chance(0.6),
      });
    case 'arguments':
      return b.request('deep', 'tools/call', { name: tool, arguments: nested }, 'any');
    case 'inputResponses': {
      const target = rng.pick(b.targets.ownInputs);
      const answers = { [target.key]: { action: 'accept', content: { name: nested } } };
      return b.era === 'modern'
        ? b.request('deep', 'tasks/update', { taskId: target.taskId, inputResponses: answers }, 'any')
        : b.request('deep', 'tools/call', { name: 'ask_two', inputResponses: answers }, 'any');
    }
    case 'meta': {
      const meta = b.era === 'modern' ? { ...envelope(true), deep: nested } : { deep: nested };
      return b.request('deep', 'tools/call', { name: 'hello', arguments: { name: 'x' }, _meta: meta }, 'any');
    }
    case 'id':
      return b.request('deep', 'tools/list', {}, 'rejected', { id: nested });
    case 'params':
      return b.request('deep', 'tools/list', nested, 'any');
    default: {
      const target = rng.pick(b.targets.ownInputs);
      const body = toJson({
        jsonrpc: '2.0',
        id: `${INPUT_ID_PREFIX}/${target.taskId}/${target.key}`,
        result: { action: 'accept', content: nested },
      });
      return { ...valid(b), kind: 'deep', body, expect: 'any' };
    }
  }
}

/** The body's bytes with an invalid UTF-8 sequence in the middle of its first string. */
function invalidUtf8(text: string): Uint8Array<ArrayBuffer> {
  const bytes = new TextEncoder().encode(text);
  const at = text.indexOf('"') + 1;
  return new Uint8Array([...bytes.slice(0, at), 0xc3, 0x28, 0xff, ...bytes.slice(at)]);
}
