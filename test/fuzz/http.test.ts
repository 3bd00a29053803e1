/**
 * Fuzzing the Streamable HTTP endpoint: thousands of hostile requests (broken JSON, wrong JSON-RPC and params shapes,
 * hostile and foreign task ids, multi-megabyte and 5,000-level-deep payloads, wrong headers, raw broken HTTP) on both
 * protocol eras and every engine, against a real server over real HTTP. Every answer must be a JSON-RPC error or a
 * 4xx (or a result, for a valid request), never a 5xx, never a hang; afterwards the server must still serve, and the
 * tasks a legitimate caller created before the storm must come through intact, with the right results.
 *
 * Cases come from a seeded generator: a failure prints the seed, and `FUZZ_SEED=<seed>` replays the same requests.
 * `FUZZ_CASES` changes the number of requests per storm.
 */
import type { TaskMCP } from 'taskmcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineCases } from '../engines.js';
import { rpc, text } from '../helpers.js';
import { CallToolResultSchema } from '../legacy/v1-client.js';
import { type Era, FUZZ_TOKEN, LEGACY, MODERN, type Targets } from './cases.js';
import { describeCase, inParallel, judge, rawExchange, send } from './exchange.js';
import { CaseGenerator } from './generator.js';
import { fuzzSeed, Rng } from './random.js';
import { createFuzzServer, createLegitTasks, createTargets, type Legit, legacyRpc } from './setup.js';

const SEED = fuzzSeed();
const CASES_PER_STORM = Number(process.env.FUZZ_CASES) || 500;
/** Requests in flight at once: enough to interleave, few enough for a 2-core machine shared with other tests. */
const CONCURRENCY = 6;

const replay = `fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED})`;

describe.each(engineCases)('HTTP fuzz ($name engine)', ({ name, engine }) => {
  let server: TaskMCP;
  let url: URL;
  let legit: Legit;
  let targets: Targets;

  beforeAll(async () => {
    server = createFuzzServer(engine());
    url = (await server.run({ transport: 'http', port: 0 })).url!;
    legit = await createLegitTasks(url);
    targets = await createTargets(url, legit);
  }, 60_000);

  afterAll(async () => {
    await legit?.close();
    await server?.close();
  });

  it.each<Era>(['modern', 'legacy'])(
    'answers a storm of hostile %s requests with errors or 4xx, never a 5xx or a hang',
    async (era) => {
      const rng = new Rng(SEED + (era === 'modern' ? 0 : 1) + (name === 'memory' ? 0 : 2));
      const generator = new CaseGenerator(rng, era, targets);
      const cases = Array.from({ length: CASES_PER_STORM }, () => generator.next());
      const problems: string[] = [];
      const statuses = new Map<number, number>();
      const started = performance.now();
      await inParallel(cases, CONCURRENCY, async (fuzzCase) => {
        const outcome = await send(url, fuzzCase);
        if (typeof outcome !== 'string')
          statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
        const verdict = judge(fuzzCase, outcome);
        if (verdict.problem) problems.push(`${verdict.problem}\n    ${describeCase(fuzzCase)}`);
      });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const byStatus = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`);
      console.info(
        `[fuzz] ${name}/${era}: ${cases.length} requests in ${seconds} s; HTTP ${byStatus.join(' ')}; seed ${SEED}`,
      );
      expect(problems.slice(0, 15), `${problems.length} bad answers; ${replay}`).toEqual([]);
    },
    120_000,
  );

  it('survives truncated, oversized, malformed and abandoned HTTP bodies at the socket level', async () => {
    const host = `${url.hostname}:${url.port}`;
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
    const head = (extra: string) =>
      `POST ${url.pathname} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n` +
      `Accept: application/json, text/event-stream\r\nAuthorization: Bearer ${FUZZ_TOKEN}\r\n` +
      `MCP-Protocol-Version: ${LEGACY}\r\n${extra}\r\n`;
    const chunked = (chunks: string[]) => chunks.map((c) => `${c.length.toString(16)}\r\n${c}\r\n`).join('');
    const sixMegabytes = chunked(Array.from({ length: 96 }, () => 'x'.repeat(64 * 1024)));
    const cases: Array<[label: string, bytes: string, abandon: boolean]> = [
      [
        'body shorter than Content-Length, then EOF',
        head('Content-Length: 500\r\n') + body.slice(0, 20),
        false,
      ],
      [
        'body shorter than Content-Length, then gone',
        head('Content-Length: 500\r\n') + body.slice(0, 20),
        true,
      ],
      ['body longer than Content-Length', head('Content-Length: 10\r\n') + body, false],
      ['invalid chunk size', `${head('Transfer-Encoding: chunked\r\n')}zz\r\nabc\r\n0\r\n\r\n`, false],
      [
        'chunked body without its last chunk',
        head('Transfer-Encoding: chunked\r\n') + chunked([body]),
        false,
      ],
      [
        '6 MB chunked body without a length',
        `${head('Transfer-Encoding: chunked\r\n')}${sixMegabytes}0\r\n\r\n`,
        false,
      ],
      ['6 MB chunked body, then gone', head('Transfer-Encoding: chunked\r\n') + sixMegabytes, true],
      ['negative Content-Length', `${head('Content-Length: -1\r\n')}${body}`, false],
      [
        'two different Content-Lengths',
        head(`Content-Length: 5\r\nContent-Length: ${body.length}\r\n`) + body,
        false,
      ],
      ['headers cut off', `POST ${url.pathname} HTTP/1.1\r\nHost: ${host}\r\nContent-Ty`, false],
      ['not HTTP at all', '\u0000\u0001\u0002 GARBAGE\r\n\r\n', false],
    ];
    const problems: string[] = [];
    for (const [label, bytes, abandon] of cases) {
      for (const era of [LEGACY, MODERN]) {
        const outcome = await rawExchange(
          url,
          bytes.replace(`MCP-Protocol-Version: ${LEGACY}`, `MCP-Protocol-Version: ${era}`),
          abandon,
        );
        if (typeof outcome === 'string') problems.push(`${label} (${era}): ${outcome}`);
        else if (outcome.some((status) => status >= 500))
          problems.push(`${label} (${era}): HTTP ${outcome.join(', ')}`);
      }
    }
    expect(problems).toEqual([]);
    expect((await legacyRpc(url, 'ping', {}, FUZZ_TOKEN)).result).toEqual({});
  });

  it('still serves normal calls afterwards, and the tasks created before the storm end intact with the right results', async () => {
    // Both eras still serve, to the fuzzing principal too.
    expect(text(await legit.modern.callTool('hello', { name: 'after the storm' }))).toBe(
      'Hello, after the storm!',
    );
    const v1 = await legit.legacy.client.callTool({ name: 'hello', arguments: { name: '2025' } });
    expect(v1.content).toEqual([{ type: 'text', text: 'Hello, 2025!' }]);
    expect(
      (await rpc(url, 'tools/call', { name: 'hello', arguments: { name: 'bob' } }, { token: FUZZ_TOKEN }))
        .result,
    ).toMatchObject({
      content: [{ type: 'text', text: 'Hello, bob!' }],
    });

    // The completed task still shows the same result.
    const done = await legit.done.handle.status();
    expect(done.status).toBe('completed');
    expect(done.result).toEqual(legit.done.result);
    // The waiting task still asks the same questions: nothing bob sent answered them.
    const asking = await legit.asking.handle.status();
    expect(asking.status).toBe('input_required');
    expect(asking.inputRequests).toEqual(legit.asking.inputRequests);
    expect(text(await legit.asking.handle.result())).toBe('name=Ada ok=true');
    expect(text(await legit.square.result())).toBe('square: 144');

    // 2025-11-25: the completed task replays the same result; the waiting one is answered through tasks/result.
    const tasks = legit.legacy.client.experimental.tasks;
    expect(await tasks.getTaskResult(legit.legacyDone.taskId, CallToolResultSchema)).toEqual(
      legit.legacyDone.result,
    );
    const answered = await tasks.getTaskResult(legit.legacyAsking.taskId, CallToolResultSchema);
    expect(text(answered)).toBe('name=Ada ok=true');

    // Alice still lists exactly her own tasks.
    const listed = await legacyRpc(url, 'tasks/list', {}, 'alice');
    const listedTasks = (listed.result?.tasks ?? []) as Array<{ taskId: string }>;
    const ids = listedTasks.map((task) => task.taskId).sort();
    expect(ids).toEqual([...targets.foreign].sort());
  }, 60_000);
});
