/**
 * One trace from a client's request to the leg a separate `taskmcp worker` process runs on Redis: the front end (this
 * process) exports to memory, the worker appends its spans to a file (test/fixtures/span-file.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { TaskMCP } from 'taskmcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_SERVER } from '../cli/cli.js';
import { type FrontAndWorker, startFrontAndWorker } from '../distributed.js';
import type { SpanLine } from '../fixtures/span-file.js';
import { registerTracedTools, type TracedJobView } from '../fixtures/traced-tools.js';
import { eventually, rpc, untilStatus } from '../helpers.js';
import { requireRedis, uniqueName } from '../redis.js';

const enabled = await requireRedis();
const TRACED_WORKER = CLI_SERVER.replace('cli-server.ts', 'traced-worker.ts');

describe.runIf(enabled)('tracing across a front end and a worker process (redis engine)', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const dir = mkdtempSync(join(tmpdir(), 'taskmcp-spans-'));
  const spanFile = join(dir, 'worker-spans.jsonl');
  const name = uniqueName('traced');
  let deployment: FrontAndWorker;

  beforeAll(async () => {
    provider.register();
    deployment = await startFrontAndWorker({
      name,
      workerModule: TRACED_WORKER,
      concurrency: 1,
      env: { TASKMCP_TEST_SPAN_FILE: spanFile },
      makeFront: (engine) =>
        registerTracedTools(new TaskMCP({ name, version: '1.0.0', logger: () => {}, tasks: { engine } })),
    });
  });

  afterAll(async () => {
    await deployment?.close();
    await provider.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The worker's spans so far (none before its first span ends). */
  const workerSpans = (): SpanLine[] => {
    try {
      return readFileSync(spanFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as SpanLine);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  };

  it("links the client's request, the front end's spans and the worker's leg in one trace", async () => {
    const client = trace.getTracer('test-client').startSpan('client request');
    client.end();
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(ROOT_CONTEXT, client), carrier);
    const { traceId, spanId: clientSpanId } = client.spanContext();
    const { url, workerPid } = deployment;

    const created = await rpc(url, 'tools/call', { name: 'traced_job', arguments: {} }, { meta: carrier });
    const taskId = created.result?.taskId as string;
    const done = await untilStatus(url, taskId, ['completed']);
    const view = (done.result as { structuredContent: TracedJobView }).structuredContent;
    expect(view.pid).toBe(workerPid);

    const frontSpans = exporter.getFinishedSpans();
    const call = frontSpans.find((span) => span.name === 'tools/call traced_job')!;
    const create = frontSpans.find((span) => span.name === 'create_task traced_job')!;
    expect(call.parentSpanContext?.spanId).toBe(clientSpanId);
    expect(create.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
    const callSpanId = call.spanContext().spanId;

    // The handler has returned, but its process may not have ended the leg's span yet.
    const legs = await eventually(() => {
      const lines = workerSpans().filter((span) => span.attributes['taskmcp.task.id'] === taskId);
      return lines.length === 2 ? lines : undefined;
    });
    const queued = legs.find((span) => span.name === 'queue_wait traced_job')!;
    const leg = legs.find((span) => span.name === 'execute_tool traced_job')!;
    const work = workerSpans().find((span) => span.spanId === view.spanId)!;
    for (const span of [call, create]) expect(span.spanContext().traceId).toBe(traceId);
    for (const span of [queued, leg, work]) {
      expect(span.traceId).toBe(traceId);
      expect(span.pid).toBe(workerPid);
    }
    expect(queued.parentSpanId).toBe(callSpanId);
    expect(leg.parentSpanId).toBe(callSpanId);
    expect(work.parentSpanId).toBe(leg.spanId);
    expect(leg.attributes).toMatchObject({ 'gen_ai.tool.name': 'traced_job', 'taskmcp.task.leg': 1 });
    expect(queued.endMs).toBeLessThanOrEqual(leg.startMs);
    expect(view.traceparent).toBe(`00-${traceId}-${callSpanId}-01`);
  });
});
