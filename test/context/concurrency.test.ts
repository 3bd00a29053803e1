/**
 * Concurrency proof: overlapping foreground calls and background tasks of tools that use the context, progress
 * and a dependency with cleanup. Every call must see only its own values, every cleanup must run exactly once
 * (after its own handler), and no task may run twice.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { deps, getAccessToken, getContext, getHttpHeaders, TaskMCP } from 'taskmcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { engineCases } from '../engines.js';
import { type JwtIssuer, startJwtIssuer } from '../fixtures/jwt-issuer.js';
import { rpc, serveOverHttp, untilStatus } from '../helpers.js';

const CALLS = 8;

describe.each(engineCases)('concurrent invocations ($name engine)', ({ engine }) => {
  let issuer: JwtIssuer;
  let served: { url: URL; close(): Promise<void> };
  /** label → what happened to that call, in order. */
  const events = new Map<string, string[]>();
  const record = (label: string, event: string) => events.set(label, [...(events.get(label) ?? []), event]);
  let inFlight = 0;
  let maxInFlight = 0;

  beforeAll(async () => {
    issuer = await startJwtIssuer();
    const server = new TaskMCP({
      name: 'overlap',
      version: '1.0.0',
      logger: () => {},
      tasks: { engine: engine(), concurrency: CALLS },
      auth: {
        verifier: issuer.verifier(),
      },
    });
    server.tool(
      {
        name: 'overlap',
        input: z.object({ label: z.string(), ms: z.number().int() }),
        task: { mode: 'optional', pollIntervalMs: 20 },
        depends: {
          context: deps.context,
          progress: deps.progress,
          // A per-call resource with cleanup: opened before the handler, closed after it.
          connection: async function* (ctx) {
            const label = (ctx.inputResponses?.label as string | undefined) ?? headerLabel();
            record(label, 'open');
            try {
              yield { label, requestId: ctx.requestId };
            } finally {
              record(label, 'close');
            }
          },
        },
      },
      async ({ label, ms }, { context, progress, connection, requestId }) => {
        record(label, 'start');
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await progress.set(1, { total: 3, message: label });
        await sleep(ms);
        // Interleaved with the other calls by now: everything must still be this call's own.
        const sub = getAccessToken()?.claims.sub;
        const seen = {
          label,
          sub,
          marker: getHttpHeaders()['x-marker'],
          ambientRequestId: getContext().requestId,
          contextRequestId: context.requestId,
          requestId,
          connection,
          taskId: context.taskId ?? null,
          attempt: context.attempt,
        };
        await progress.increment(1, `${label} half`);
        await sleep(ms / 2);
        await progress.increment(1);
        record(label, 'end');
        inFlight--;
        return { ...seen, progress: progress.current, message: progress.message };
      },
    );
    served = await serveOverHttp(server);
  });

  afterAll(async () => {
    await served?.close();
    await issuer?.close();
  });

  it('gives each of 8 overlapping calls (4 foreground, 4 tasks) its own values and cleans up each once', async () => {
    const calls = await Promise.all(
      Array.from({ length: CALLS }, async (_, i) => {
        const label = `call-${i}`;
        const background = i % 2 === 1;
        const token = await issuer.sign({ clientId: 'app', sub: `user-${i}` });
        // Staggered starts, reversed durations: early calls finish last, so the calls overlap and interleave.
        await sleep(i * 15);
        const reply = await rpc(
          served.url,
          'tools/call',
          { name: 'overlap', arguments: { label, ms: 240 - i * 25 } },
          { token, declare: background, headers: { 'x-marker': label }, id: `req-${i}` },
        );
        const result = background
          ? ((
              await untilStatus(
                served.url,
                reply.result!.taskId as string,
                ['completed', 'failed'],
                token,
                10_000,
              )
            ).result as Record<string, unknown>)
          : reply.result;
        return { i, label, background, reply, result: result?.structuredContent as Record<string, unknown> };
      }),
    );

    for (const { i, label, background, reply, result } of calls) {
      expect(reply.error, label).toBeUndefined();
      expect(result, label).toMatchObject({
        label,
        sub: `user-${i}`,
        marker: label,
        ambientRequestId: `req-${i}`,
        contextRequestId: `req-${i}`,
        requestId: `req-${i}`,
        connection: { label, requestId: `req-${i}` },
        attempt: 1,
        progress: 3,
        message: `${label} half`,
      });
      expect(result.taskId, label).toBe(background ? reply.result?.taskId : null);
      // One run, one open, one close, and the close after the handler ended.
      expect(events.get(label), label).toEqual(['open', 'start', 'end', 'close']);
    }
    expect(new Set(calls.map((call) => call.result.connection)).size).toBe(CALLS);
    // The proof only counts if the calls really ran at the same time.
    expect(maxInFlight).toBeGreaterThanOrEqual(4);
  });
});

/** The call's label, read from its own inbound headers (the dependency runs inside the invocation). */
function headerLabel(): string {
  return getHttpHeaders()['x-marker'] ?? 'unknown';
}
