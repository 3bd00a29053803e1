/**
 * The fuzzed server and what exists on it before a storm: alice's tasks, created the way real clients create them
 * (the taskmcp client on 2026-07-28, the official SDK v1 client on 2025-11-25), which must come through intact, and
 * bob's tasks, which the storm (sent as bob) aims hostile shapes at.
 */
import { staticTokenVerifier, type TaskEngine, type TaskMCP } from 'taskmcp';
import type { Client, TaskHandle } from 'taskmcp/client';
import { expect } from 'vitest';
import { answerAdaAndYes, createTestServer } from '../fixtures/test-server.js';
import { connectHttp, rpc, untilStatus } from '../helpers.js';
import {
  CallToolResultSchema,
  CreateTaskResultSchema,
  connectV1Http,
  type V1Connection,
} from '../legacy/v1-client.js';
import { type Era, envelope, FUZZ_TOKEN, type InputTarget, LEGACY, MODERN, type Targets } from './cases.js';
import { messagesOf, send } from './exchange.js';
import { toJson } from './random.js';

export const PRINCIPALS = staticTokenVerifier({
  alice: { clientId: 'app', sub: 'alice' },
  [FUZZ_TOKEN]: { clientId: 'app', sub: 'bob' },
});

export function createFuzzServer(engine: TaskEngine | string): TaskMCP {
  return createTestServer({ engine, auth: { verifier: PRINCIPALS } });
}

export interface Reply {
  status: number;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
}

/**
 * One raw JSON-RPC request of either era, as `token`'s principal; `params` may hold {@link RawJson} parts (payloads
 * `JSON.stringify` cannot build). 2026-07-28 requests declare the tasks extension. Answers the request's response.
 */
export async function rawRpc(
  url: URL,
  era: Era,
  method: string,
  params: Record<string, unknown>,
  token: string,
): Promise<Reply> {
  const modern = era === 'modern';
  const taskId = typeof params.taskId === 'string' ? params.taskId : undefined;
  const name = method === 'tools/call' && typeof params.name === 'string' ? params.name : taskId;
  const outcome = await send(url, {
    kind: 'setup',
    httpMethod: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': modern ? MODERN : LEGACY,
      authorization: `Bearer ${token}`,
      ...(modern ? { 'mcp-method': method, ...(name === undefined ? {} : { 'mcp-name': name }) } : {}),
    },
    body: toJson({
      jsonrpc: '2.0',
      id: 1,
      method,
      params: modern ? { ...params, _meta: envelope(true) } : params,
    }),
    expect: 'any',
  });
  if (typeof outcome === 'string') throw new Error(`${method}: ${outcome}`);
  const messages = messagesOf(outcome);
  if (typeof messages === 'string') throw new Error(`${method}: ${messages}`);
  return { status: outcome.status, ...(messages.at(-1) as Omit<Reply, 'status'>) };
}

/** One raw 2025-11-25 request (the SDK serves this era statelessly over HTTP). */
export function legacyRpc(
  url: URL,
  method: string,
  params: Record<string, unknown>,
  token: string,
): Promise<Reply> {
  return rawRpc(url, 'legacy', method, params, token);
}

/** The outstanding input requests of a task, read over the 2026-07-28 wire (this era shows them; both share tasks). */
export async function inputsOf(url: URL, taskId: string, token: string): Promise<InputTarget[]> {
  const task = await untilStatus(url, taskId, ['input_required'], token);
  return Object.keys(task.inputRequests as Record<string, unknown>).map((key) => ({ taskId, key }));
}

/** Alice's tasks, created before the storms, with what they showed then. */
export interface Legit {
  modern: Client;
  legacy: V1Connection;
  /** Completed before the storm: its result must not change. */
  done: { handle: TaskHandle; result: unknown };
  /** Waiting for input through the storm: its questions must not change, nor be answered by anyone else. */
  asking: { handle: TaskHandle; inputRequests: unknown };
  /** Runs to completion whenever the workers get to it. */
  square: TaskHandle;
  legacyDone: { taskId: string; result: unknown };
  legacyAsking: { taskId: string };
  inputs: InputTarget[];
  close(): Promise<void>;
}

export async function createLegitTasks(url: URL): Promise<Legit> {
  const modern = await connectHttp(url, { token: 'alice', onElicit: answerAdaAndYes });
  const legacy = await connectV1Http(url, 'alice');

  const done = await modern.callToolTask('whoami', { label: 'before the storm' });
  const doneResult = await done.result();
  const asking = await modern.callToolTask('ask_two');
  const waiting = await asking.wait({ status: 'input_required' });
  const square = await modern.callToolTask('task_only', { n: 12 });

  const createLegacyTask = async (name: string, args: Record<string, unknown>) => {
    const created = await legacy.client.request(
      { method: 'tools/call', params: { name, arguments: args } },
      CreateTaskResultSchema,
      { task: { ttl: 15 * 60_000 } },
    );
    return created.task.taskId;
  };
  const legacyDoneId = await createLegacyTask('whoami', { label: 'before the storm, 2025' });
  const legacyDoneResult = await legacy.client.experimental.tasks.getTaskResult(
    legacyDoneId,
    CallToolResultSchema,
  );
  const legacyAskingId = await createLegacyTask('ask_two', {});
  const inputs = [
    ...(await inputsOf(url, asking.id!, 'alice')),
    ...(await inputsOf(url, legacyAskingId, 'alice')),
  ];
  expect(inputs.length).toBeGreaterThan(0);

  return {
    modern,
    legacy,
    done: { handle: done, result: doneResult },
    asking: { handle: asking, inputRequests: waiting.inputRequests },
    square,
    legacyDone: { taskId: legacyDoneId, result: legacyDoneResult },
    legacyAsking: { taskId: legacyAskingId },
    inputs,
    close: async () => {
      await modern.close();
      await legacy.close();
    },
  };
}

/** Bob's own tasks on both wires, and alice's, as the storm's targets. */
export async function createTargets(url: URL, legit: Legit): Promise<Targets> {
  const call = async (name: string, args: Record<string, unknown>) => {
    const { result, error } = await rpc(url, 'tools/call', { name, arguments: args }, { token: FUZZ_TOKEN });
    if (!result?.taskId) throw new Error(`bob's ${name} did not start a task: ${JSON.stringify(error)}`);
    return result.taskId as string;
  };
  const legacyCall = async (name: string, args: Record<string, unknown>) => {
    const { result, error } = await legacyRpc(
      url,
      'tools/call',
      { name, arguments: args, task: {} },
      FUZZ_TOKEN,
    );
    const task = result?.task as { taskId?: string } | undefined;
    if (!task?.taskId) throw new Error(`bob's 2025 ${name} did not start a task: ${JSON.stringify(error)}`);
    return task.taskId;
  };
  const asking = [await call('ask_two', {}), await legacyCall('ask_two', {})];
  const finished = [
    await call('whoami', { label: 'bob' }),
    await legacyCall('whoami', { label: 'bob, 2025' }),
  ];
  for (const taskId of finished)
    await untilStatus(url, taskId, ['completed', 'failed', 'cancelled'], FUZZ_TOKEN);
  const ownInputs = (await Promise.all(asking.map((taskId) => inputsOf(url, taskId, FUZZ_TOKEN)))).flat();
  return {
    own: [...asking, ...finished],
    ownTerminal: finished,
    ownInputs,
    foreign: [
      legit.done.handle.id!,
      legit.asking.handle.id!,
      legit.square.id!,
      legit.legacyDone.taskId,
      legit.legacyAsking.taskId,
    ],
    foreignInputs: legit.inputs,
  };
}
