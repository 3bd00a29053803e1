/**
 * Sending fuzz cases and judging the answers. The rules every answer must keep, whatever was sent: no 5xx, an answer
 * within the per-request deadline, and a body a client can read (a 200 carries a well-formed JSON-RPC response).
 * Each case's expectation adds its own rule on top (see {@link Expectation}).
 */
import { connect } from 'node:net';
import { ProtocolErrorCode, TaskErrorCode } from 'taskmcp';
import type { Expectation, FuzzCase } from './cases.js';

/** Long enough for a 5 MB body on a loaded machine; a server that takes longer has hung. */
export const REQUEST_TIMEOUT_MS = 20_000;

export interface Outcome {
  status: number;
  contentType: string;
  text: string;
}

/** Send one case; a network failure or a missed deadline comes back as a string. */
export async function send(url: URL, fuzzCase: FuzzCase): Promise<Outcome | string> {
  const target = fuzzCase.path ? new URL(fuzzCase.path, url) : url;
  try {
    const response = await fetch(target, {
      method: fuzzCase.httpMethod,
      headers: fuzzCase.headers,
      body: fuzzCase.body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', text };
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause;
    if ((error as Error).name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS} ms`;
    return `request failed: ${(error as Error).message}${cause ? ` (${cause.message})` : ''}`;
  }
}

interface JsonRpcResponse {
  jsonrpc: '2.0';
  id: unknown;
  result?: unknown;
  error?: { code: unknown; message: unknown };
}

/** The JSON-RPC messages of a body (one JSON value, a batch array, or SSE `data:` frames), or a parse problem. */
export function messagesOf(outcome: Outcome): unknown[] | string {
  const { contentType, text } = outcome;
  try {
    if (contentType.includes('text/event-stream')) {
      return text
        .split(/\r?\n\r?\n/)
        .map((event) =>
          event
            .split(/\r?\n/)
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trimStart())
            .join('\n'),
        )
        .filter((data) => data.length > 0)
        .map((data) => JSON.parse(data) as unknown);
    }
    if (contentType.includes('json') && text.length > 0) {
      const value: unknown = JSON.parse(text);
      return Array.isArray(value) ? value : [value];
    }
    return [];
  } catch {
    return `unreadable ${contentType} body: ${text.slice(0, 200)}`;
  }
}

function isResponse(message: unknown): message is JsonRpcResponse {
  if (typeof message !== 'object' || message === null) return false;
  const value = message as Record<string, unknown>;
  return value.jsonrpc === '2.0' && ('result' in value || 'error' in value) && !('method' in value);
}

/**
 * Internal errors a hostile request may legitimately produce: a tool that throws one on purpose, and the terminal
 * results of tasks replayed by a 2025-11-25 `tasks/result`.
 */
const EXPECTED_INTERNAL = [/^backend unavailable$/, /^Task \S+ was cancelled\.$/, /^The tool timed out/];

export interface Verdict {
  problem?: string;
}

/** Whether `outcome` is an acceptable answer to `fuzzCase`. */
export function judge(fuzzCase: FuzzCase, outcome: Outcome | string): Verdict {
  if (typeof outcome === 'string') return { problem: outcome };
  const { status } = outcome;
  if (status >= 500) return { problem: `HTTP ${status}: ${outcome.text.slice(0, 300)}` };
  const messages = messagesOf(outcome);
  if (typeof messages === 'string') return { problem: messages };
  const responses = messages.filter(isResponse);
  if (status === 200 && fuzzCase.httpMethod !== 'HEAD' && responses.length === 0) {
    return { problem: `HTTP 200 without a JSON-RPC response: ${outcome.text.slice(0, 300)}` };
  }
  for (const { error } of responses) {
    if (error === undefined) continue;
    if (!Number.isInteger(error?.code) || typeof error?.message !== 'string') {
      return { problem: `malformed JSON-RPC error: ${JSON.stringify(error).slice(0, 300)}` };
    }
    const message = error.message;
    if (error.code === ProtocolErrorCode.InternalError && !EXPECTED_INTERNAL.some((p) => p.test(message))) {
      return { problem: `internal error: ${message}` };
    }
    // The engine is up all along: "unavailable" would be a fault of the engine hidden behind the service's catch-all.
    if (error.code === TaskErrorCode.EngineUnavailable) return { problem: `engine unavailable: ${message}` };
  }
  const problem = expectationProblem(fuzzCase.expect, status, responses);
  return problem ? { problem } : {};
}

function expectationProblem(
  expect: Expectation,
  status: number,
  responses: JsonRpcResponse[],
): string | undefined {
  const errors = responses.filter((response) => response.error !== undefined);
  const succeeded = status < 400 && responses.some((response) => 'result' in response) && errors.length === 0;
  switch (expect) {
    case 'any':
      return undefined;
    case 'ok':
      return succeeded
        ? undefined
        : `a valid request failed: HTTP ${status} ${JSON.stringify(errors[0]?.error)}`;
    case 'rejected':
      return status >= 400 || errors.length > 0
        ? undefined
        : `a malformed request succeeded (HTTP ${status})`;
    case 'not-found': {
      const error = errors[0]?.error;
      return error?.code === ProtocolErrorCode.InvalidParams &&
        String(error.message).startsWith('Task not found')
        ? undefined
        : `another principal's task answered other than an unknown one: HTTP ${status} ${JSON.stringify(error ?? responses[0])}`;
    }
    case 'unauthorized':
      return status === 401 ? undefined : `expected 401 without a valid token, got HTTP ${status}`;
  }
}

/** How a case reads in a failure report: enough to replay it by hand. */
export function describeCase(fuzzCase: FuzzCase): string {
  const body =
    fuzzCase.body === undefined
      ? '(no body)'
      : typeof fuzzCase.body === 'string'
        ? fuzzCase.body
        : `(bytes) ${Buffer.from(fuzzCase.body).toString('latin1')}`;
  const shown = body.length > 300 ? `${body.slice(0, 300)}… (${body.length} chars)` : body;
  const headers = Object.entries(fuzzCase.headers)
    .map(([name, value]) => `${name}: ${value.length > 80 ? `${value.slice(0, 80)}…` : value}`)
    .join('; ');
  return `[${fuzzCase.kind}, expect ${fuzzCase.expect}] ${fuzzCase.httpMethod} ${fuzzCase.path ?? ''} {${headers}} ${shown}`;
}

/** Run `tasks` with at most `limit` in flight. */
export async function inParallel<T>(
  items: T[],
  limit: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: limit }, async () => {
    while (next < items.length) await run(items[next++]!);
  });
  await Promise.all(lanes);
}

/**
 * Write raw bytes on a fresh socket and collect what comes back: the status codes of every response, until the server
 * closes the connection. With `abandon`, the socket is destroyed right after writing (a client that vanished
 * mid-body) and nothing is awaited.
 */
export function rawExchange(url: URL, bytes: string | Buffer, abandon: boolean): Promise<number[] | string> {
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(`no answer or close within ${REQUEST_TIMEOUT_MS} ms`);
    }, REQUEST_TIMEOUT_MS);
    socket.on('connect', () => {
      socket.write(bytes, () => {
        if (!abandon) {
          socket.end();
          return;
        }
        socket.destroy();
        clearTimeout(timer);
        resolve([]);
      });
    });
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {}); // a reset after the answer is the server closing a broken connection
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      resolve([...text.matchAll(/^HTTP\/1\.[01] (\d{3})/gm)].map((match) => Number(match[1])));
    });
  });
}
