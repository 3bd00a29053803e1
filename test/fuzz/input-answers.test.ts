/**
 * The defects the HTTP fuzz found, pinned as plain tests on both eras and every engine: input answers that are not
 * objects must be refused with -32602 (never acknowledged as an empty answer), and 5,000-level nesting must be
 * refused as invalid params rather than overflow the stack.
 */
import { ProtocolErrorCode, type TaskMCP } from 'taskmcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineCases } from '../engines.js';
import { answerAdaAndYes } from '../fixtures/test-server.js';
import { eventually, rpc } from '../helpers.js';
import { FUZZ_TOKEN, type InputTarget, LEGACY } from './cases.js';
import { send } from './exchange.js';
import { nestedObject } from './random.js';
import { createFuzzServer, inputsOf, legacyRpc, rawRpc } from './setup.js';

const NOT_OBJECTS: Array<[label: string, value: unknown]> = [
  ['null', null],
  ['a string', 'str'],
  ['a number', 42],
  ['an array', []],
];

/** A 2025-11-25 client's answer to an input request, POSTed the way the stateless HTTP era carries it. */
function postAnswer(url: URL, { taskId, key }: InputTarget, result: unknown) {
  return send(url, {
    kind: 'answer',
    httpMethod: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': LEGACY,
      authorization: `Bearer ${FUZZ_TOKEN}`,
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: `taskmcp-input/${taskId}/${key}`, result }),
    expect: 'any',
  });
}

/** What an input request of the test server's `ask_two` is answered with. */
function answerTo(url: URL, taskId: string, key: string) {
  return rpc(url, 'tasks/get', { taskId }, { token: FUZZ_TOKEN }).then(({ result }) => {
    const requests = result?.inputRequests as Record<string, { params: { message: string } }>;
    return answerAdaAndYes(requests[key]!.params);
  });
}

describe.each(engineCases)('input answers and nesting over HTTP ($name engine)', ({ engine }) => {
  let server: TaskMCP;
  let url: URL;

  beforeAll(async () => {
    server = createFuzzServer(engine());
    url = (await server.run({ transport: 'http', port: 0 })).url!;
  });

  afterAll(async () => {
    await server?.close();
  });

  /** A new `ask_two` task of bob's, waiting for its two answers. */
  async function waitingTask(era: 'modern' | 'legacy'): Promise<{ taskId: string; inputs: InputTarget[] }> {
    const taskId =
      era === 'modern'
        ? (await rpc(url, 'tools/call', { name: 'ask_two', arguments: {} }, { token: FUZZ_TOKEN })).result
            ?.taskId
        : (
            (await legacyRpc(url, 'tools/call', { name: 'ask_two', arguments: {}, task: {} }, FUZZ_TOKEN))
              .result?.task as { taskId?: string } | undefined
          )?.taskId;
    if (typeof taskId !== 'string') throw new Error(`ask_two did not start a task on the ${era} wire`);
    return { taskId, inputs: await inputsOf(url, taskId, FUZZ_TOKEN) };
  }

  const statusOf = async (taskId: string) =>
    (await rpc(url, 'tasks/get', { taskId }, { token: FUZZ_TOKEN })).result?.status;

  it.each(NOT_OBJECTS)(
    '2026-07-28: refuses a tasks/update whose inputResponses is %s (-32602), answering nothing',
    async (kind, value) => {
      const { taskId, inputs } = await waitingTask('modern');
      const reply = await rpc(url, 'tasks/update', { taskId, inputResponses: value }, { token: FUZZ_TOKEN });
      expect(reply.result).toBeUndefined();
      expect(reply.error?.code).toBe(ProtocolErrorCode.InvalidParams);
      expect(reply.error?.message).toBe(
        `Invalid params for tasks/update: inputResponses must be an object mapping each input key to the client's response, not ${kind}.`,
      );
      expect(await inputsOf(url, taskId, FUZZ_TOKEN)).toEqual(inputs);
    },
  );

  it('2026-07-28: refuses entries that are not result objects, naming them, and applies none of the update', async () => {
    const { taskId, inputs } = await waitingTask('modern');
    const [first, second] = inputs as [InputTarget, InputTarget];
    for (const bad of [42, 'yes', null, { method: 'elicitation/create', result: { action: 'accept' } }]) {
      const inputResponses = { [first.key]: await answerTo(url, taskId, first.key), [second.key]: bad };
      const reply = await rpc(url, 'tasks/update', { taskId, inputResponses }, { token: FUZZ_TOKEN });
      expect(reply.error?.code, JSON.stringify(bad)).toBe(ProtocolErrorCode.InvalidParams);
      expect(reply.error?.message).toContain(
        `inputResponses '${second.key}' must each be the client's result object`,
      );
    }
    expect(await inputsOf(url, taskId, FUZZ_TOKEN)).toEqual(inputs); // the good half was not applied either
    // An empty object answers nothing and is no error; real answers complete the task.
    expect(
      (await rpc(url, 'tasks/update', { taskId, inputResponses: {} }, { token: FUZZ_TOKEN })).error,
    ).toBeUndefined();
    const answers = Object.fromEntries(
      await Promise.all(inputs.map(async ({ key }) => [key, await answerTo(url, taskId, key)])),
    );
    expect(
      (await rpc(url, 'tasks/update', { taskId, inputResponses: answers }, { token: FUZZ_TOKEN })).error,
    ).toBeUndefined();
    await eventually(async () => (await statusOf(taskId)) === 'completed');
  });

  it.each(['modern', 'legacy'] as const)(
    '%s: refuses a tools/call whose inputResponses is not an object (-32602)',
    async (era) => {
      for (const [kind, value] of NOT_OBJECTS) {
        const reply = await rawRpc(
          url,
          era,
          'tools/call',
          { name: 'hello', arguments: { name: 'x' }, inputResponses: value },
          FUZZ_TOKEN,
        );
        expect(reply.error?.code, kind).toBe(ProtocolErrorCode.InvalidParams);
        expect(reply.error?.message).toContain(`inputResponses must be an object`);
      }
    },
  );

  it.each(NOT_OBJECTS)(
    '2025-11-25: refuses a posted answer whose result is %s (400, -32602), answering nothing',
    async (kind, value) => {
      const { taskId, inputs } = await waitingTask('legacy');
      const target = inputs[0]!;
      const outcome = await postAnswer(url, target, value);
      if (typeof outcome === 'string') throw new Error(outcome);
      expect(outcome.status).toBe(400);
      expect(JSON.parse(outcome.text)).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: {
          code: ProtocolErrorCode.InvalidParams,
          message: `The answer to input request '${target.key}' of task ${taskId} must be the client's result object (an ElicitResult, CreateMessageResult or ListRootsResult), not ${kind}.`,
        },
      });
      expect(await inputsOf(url, taskId, FUZZ_TOKEN)).toEqual(inputs);
    },
  );

  it('2025-11-25: still takes well-formed posted answers', async () => {
    const { taskId, inputs } = await waitingTask('legacy');
    for (const target of inputs) {
      const outcome = await postAnswer(url, target, await answerTo(url, taskId, target.key));
      expect(typeof outcome === 'string' ? outcome : outcome.status).toBe(202);
    }
    const result = await legacyRpc(url, 'tasks/result', { taskId }, FUZZ_TOKEN);
    expect(result.result?.content).toEqual([{ type: 'text', text: 'name=Ada ok=true' }]);
  });

  // Arguments and answers are kept for the task's life: past the depth cap they are refused, never a stack overflow.
  it.each(['modern', 'legacy'] as const)(
    '%s: refuses task arguments nested 5,000 deep as invalid params, not with a stack overflow',
    async (era) => {
      const params = { name: 'two_rounds', arguments: { extra: nestedObject(5_000) } };
      const reply = await rawRpc(
        url,
        era,
        'tools/call',
        era === 'modern' ? params : { ...params, task: {} },
        FUZZ_TOKEN,
      );
      expect(reply.error?.code).toBe(ProtocolErrorCode.InvalidParams);
    },
  );

  it('2026-07-28: refuses an answer nested 5,000 deep as invalid params, not with a stack overflow', async () => {
    const { taskId, inputs } = await waitingTask('modern');
    const inputResponses = { [inputs[0]!.key]: { action: 'accept', content: { name: nestedObject(5_000) } } };
    const reply = await rawRpc(url, 'modern', 'tasks/update', { taskId, inputResponses }, FUZZ_TOKEN);
    expect(reply.error?.code).toBe(ProtocolErrorCode.InvalidParams);
  });
});
