/**
 * The lean answers' `TextResponse` (src/wire/sdk-gaps/text-response.ts) reads exactly as `new Response(text, init)`
 * through every body API, and hands its text to the node adapter only while nobody has read the body otherwise.
 */
import { describe, expect, it } from 'vitest';
import { TextResponse, textOf } from '../../src/wire/sdk-gaps/text-response.js';

const text = 'event: message\ndata: {"result":{"ok":"héllo ✓"},"jsonrpc":"2.0","id":1}\n\n';
const init = { status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } };

function pairs(headers: Headers): Array<[string, string]> {
  const all: Array<[string, string]> = [];
  headers.forEach((value, name) => {
    all.push([name, value]);
  });
  return all;
}

async function read(response: Response, how: string): Promise<unknown> {
  switch (how) {
    case 'text':
      return response.text();
    case 'arrayBuffer':
      return Buffer.from(await response.arrayBuffer()).toString('utf8');
    case 'bytes':
      return Buffer.from(await response.bytes()).toString('utf8');
    case 'blob':
      return (await response.blob()).text();
    case 'body':
      return new Response(response.body).text();
    default:
      return Buffer.from(await response.clone().arrayBuffer()).toString('utf8');
  }
}

describe('TextResponse', () => {
  it('has the status, headers and type of the plain Response', () => {
    const lean = new TextResponse(text, init);
    const plain = new Response(text, init);
    expect(lean).toBeInstanceOf(Response);
    expect([lean.status, lean.statusText, lean.ok, lean.type, lean.redirected]).toEqual([
      plain.status,
      plain.statusText,
      plain.ok,
      plain.type,
      plain.redirected,
    ]);
    expect(pairs(lean.headers)).toEqual(pairs(plain.headers));
    expect(textOf(lean)).toBe(text);
    expect(textOf(plain)).toBeUndefined();
  });

  it.each(['text', 'arrayBuffer', 'bytes', 'blob', 'body', 'clone'])(
    'reads through %s as the plain Response does, once',
    async (how) => {
      const lean = new TextResponse(text, init);
      const plain = new Response(text, init);
      expect(lean.bodyUsed).toBe(false);
      expect(await read(lean, how)).toBe(await read(plain, how));
      expect(lean.bodyUsed).toBe(plain.bodyUsed);
      expect(textOf(lean)).toBeUndefined(); // the body is the materialized one's from now on
      if (lean.bodyUsed) await expect(lean.text()).rejects.toThrow(TypeError);
    },
  );

  it('parses JSON as the plain Response does', async () => {
    const body = '{"result":{},"jsonrpc":"2.0","id":"a"}';
    const json = { status: 200, headers: { 'content-type': 'application/json' } };
    expect(await new TextResponse(body, json).json()).toEqual(await new Response(body, json).json());
  });
});
