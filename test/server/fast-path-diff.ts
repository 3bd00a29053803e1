/**
 * What the differential tests of the lean paths (task-get, legacy-task, task-create fast paths) share: the request
 * they build from a base plus changes, the answer as compared (status, sorted headers, body), the 2026-07-28
 * envelope, the two bearer tokens, and the switch that sends the same request once through the lean path and once
 * with it stepped aside.
 */
import { staticTokenVerifier, type TaskMCP } from 'taskmcp';
import { expect, vi } from 'vitest';
import { HttpSessions } from '../../src/server/sessions.js';
import { TaskListens } from '../../src/server/task-listen.js';
import { MODERN, TASKS } from '../helpers.js';

/** A fixed expiry: by default each verification stamps its own, which would differ between two calls' contexts. */
const expiresAt = Math.floor(Date.now() / 1000) + 3600;

export const TOKENS = staticTokenVerifier({
  alice: { clientId: 'app', sub: 'alice', scopes: ['read'], expiresAt },
  bob: { clientId: 'app', sub: 'bob' },
});

/** One answer as the tests compare it. */
export interface Exchange {
  status: number;
  headers: Array<[string, string]>;
  body: string;
}

/** How a spec changes the base request: headers set or (`null`) removed, the body rewritten or replaced. */
export interface RequestChanges {
  token?: string | null;
  headers?: Record<string, string | null>;
  /** Changes to the JSON-RPC body after it is built. */
  body?: (body: Record<string, unknown>) => unknown;
  /** The raw body text instead. */
  raw?: string;
}

/** The 2026-07-28 `_meta` envelope, declaring the tasks extension unless `capabilities` say otherwise. */
export const envelope = (
  capabilities: Record<string, unknown> = { extensions: { [TASKS]: {} } },
): Record<string, unknown> => ({
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientInfo': { name: 'diff-test', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': capabilities,
});

/** A POST of `body` with `headers` (and alice's token), then `changes` applied. */
export function postOf(
  body: Record<string, unknown>,
  headers: Record<string, string>,
  changes: RequestChanges,
  signal?: AbortSignal,
): Request {
  const sent: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    ...headers,
  };
  if (changes.token !== null) sent.authorization = `Bearer ${changes.token ?? 'alice'}`;
  for (const [name, value] of Object.entries(changes.headers ?? {})) {
    if (value === null) delete sent[name];
    else sent[name] = value;
  }
  const text = changes.raw ?? JSON.stringify(changes.body ? changes.body(body) : body);
  return new Request('http://127.0.0.1/mcp', { method: 'POST', headers: sent, body: text, signal });
}

export async function exchange(server: TaskMCP, request: Request): Promise<Exchange> {
  const response = await server.fetch(request);
  const headers: Array<[string, string]> = [];
  response.headers.forEach((value, name) => {
    headers.push([name, value]);
  });
  return { status: response.status, headers: headers.sort(), body: await response.text() };
}

type LeanPath = { answer(request: Request, body: unknown, ...rest: never[]): Promise<Response | undefined> };

/**
 * Spy on a lean path's `answer`: `compare` sends a request through it, then with it stepped aside, expects the same
 * answer (after `normalise`), and says whether the lean path answered the first, and whether it handed it on to the
 * SDK to answer (its per-request handler, or a session's transport, ran for it). Restore with `vi.restoreAllMocks`.
 */
export function leanSwitch<P extends LeanPath>(
  prototype: P,
  normalise: (answer: Exchange) => Exchange = (answer) => answer,
): {
  compare(
    server: TaskMCP,
    request: () => Request,
    label: string,
  ): Promise<{ lean: Exchange; sdk: Exchange; answeredLean: boolean; handedOver: boolean }>;
  /** How many requests the lean path has answered so far. */
  answers(): number;
} {
  let leanAnswers = 0;
  let sdkOnly = false;
  // The SDK's per-request handler admits every request it serves; a session's transport gets every POST it answers.
  const perRequest = vi.spyOn(TaskListens.prototype, 'admit');
  const inSession = vi.spyOn(HttpSessions.prototype as unknown as { posted: () => unknown }, 'posted');
  const sdkRuns = () => perRequest.mock.calls.length + inSession.mock.calls.length;
  const original = prototype.answer;
  const spied = vi.spyOn(prototype as LeanPath, 'answer');
  spied.mockImplementation(async function (this: P, ...args: Parameters<LeanPath['answer']>) {
    if (sdkOnly) return undefined;
    const answer = await original.apply(this, args);
    if (answer) leanAnswers++;
    return answer;
  });
  return {
    answers: () => leanAnswers,
    async compare(server, request, label) {
      const before = leanAnswers;
      const sdkBefore = sdkRuns();
      sdkOnly = false;
      const lean = await exchange(server, request());
      const answeredLean = leanAnswers > before;
      const handedOver = sdkRuns() > sdkBefore;
      sdkOnly = true;
      const sdk = await exchange(server, request()).finally(() => {
        sdkOnly = false;
      });
      expect(normalise(lean), label).toEqual(normalise(sdk));
      return { lean, sdk, answeredLean, handedOver };
    },
  };
}
