/**
 * Tracing with the OpenTelemetry API installed but no tracer provider registered (the API as a transitive dependency):
 * calls run as they would without the API, and no span is made, not even a no-op one; a provider registered after the
 * server started traces the calls from then on, and one removed stops. A propagator registered without a provider
 * still carries an incoming trace context to the handlers, as it did before the hooks skipped no-op spans.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { TaskMCP } from 'taskmcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, rpc, serveOverHttp, untilStatus } from '../helpers.js';

/** What a handler saw of tracing: the active span (any, a no-op one included) and what it would propagate. */
interface Seen {
  activeSpanId: string | null;
  traceparent: string | null;
  ctxTraceparent: string | null;
}

function seen(ctxTraceparent: string | undefined): Seen {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return {
    activeSpanId: trace.getActiveSpan()?.spanContext().spanId ?? null,
    traceparent: carrier.traceparent ?? null,
    ctxTraceparent: ctxTraceparent ?? null,
  };
}

/**
 * Register only some of what `NodeTracerProvider.register()` sets up: its AsyncLocalStorage context manager and/or
 * its W3C propagator, without the provider itself.
 */
function registerWithoutProvider(parts: { contextManager?: boolean; propagator?: boolean }): void {
  new NodeTracerProvider().register({
    ...(parts.contextManager ? {} : { contextManager: null }),
    ...(parts.propagator ? {} : { propagator: null }),
  });
  trace.disable();
}

const CLIENT_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const CLIENT_SPAN_ID = 'b7ad6b7169203331';
const CLIENT_TRACEPARENT = `00-${CLIENT_TRACE_ID}-${CLIENT_SPAN_ID}-01`;

describe('tracing with no tracer provider registered', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  let server: TaskMCP;
  let url: URL;

  /** A foreground call of `probe`: what its handler saw. */
  const probe = async (): Promise<Seen> => {
    const reply = await rpc(
      url,
      'tools/call',
      { name: 'probe', arguments: {} },
      { meta: { traceparent: CLIENT_TRACEPARENT } },
    );
    expect(reply.error).toBeUndefined();
    return reply.result?.structuredContent as Seen;
  };
  /** A task of `probe_job`, run to completion: its id and what its leg's handler saw. */
  const probeJob = async (): Promise<{ taskId: string; leg: Seen }> => {
    const created = await rpc(
      url,
      'tools/call',
      { name: 'probe_job', arguments: {} },
      { meta: { traceparent: CLIENT_TRACEPARENT } },
    );
    const taskId = created.result?.taskId as string;
    expect(taskId).toEqual(expect.any(String));
    const done = await untilStatus(url, taskId, ['completed']);
    return { taskId, leg: (done.result as { structuredContent: Seen }).structuredContent };
  };
  const spanNames = () => exporter.getFinishedSpans().map((span) => span.name);

  beforeAll(async () => {
    // Nothing global from elsewhere: no provider, no propagator; a context manager, so that a handler would see any
    // span a hook made active, a no-op one included.
    trace.disable();
    propagation.disable();
    context.disable();
    registerWithoutProvider({ contextManager: true });
    server = new TaskMCP({ name: 'late-provider', version: '1.0.0', logger: () => {} })
      .tool({ name: 'probe' }, (_args, ctx) => seen(ctx.traceparent))
      .tool({ name: 'probe_job', task: { mode: 'optional', pollIntervalMs: 20 } }, (_args, ctx) =>
        seen(ctx.traceparent),
      );
    ({ url } = await serveOverHttp(server));
  });
  afterAll(async () => {
    await server?.close();
    trace.disable();
    propagation.disable();
    context.disable();
    await provider.shutdown();
  });

  it('runs calls as is: they work, no span is made, and the client trace context still reaches ctx.traceparent', async () => {
    expect(await probe()).toEqual({
      activeSpanId: null,
      traceparent: null,
      ctxTraceparent: CLIENT_TRACEPARENT,
    });
    const { leg } = await probeJob();
    expect(leg).toEqual({ activeSpanId: null, traceparent: null, ctxTraceparent: CLIENT_TRACEPARENT });
    expect(spanNames()).toEqual([]);
  });

  it('traces the next calls once a provider is registered, after the server started', async () => {
    // The provider alone: no propagator, so only the provider can have turned tracing on.
    expect(trace.setGlobalTracerProvider(provider)).toBe(true);
    const foreground = await probe();
    const call = await eventually(() =>
      exporter.getFinishedSpans().find((span) => span.name === 'tools/call probe'),
    );
    expect(foreground.activeSpanId).toBe(call.spanContext().spanId);

    const { taskId, leg } = await probeJob();
    const legSpan = await eventually(() =>
      exporter
        .getFinishedSpans()
        .find(
          (span) => span.name === 'execute_tool probe_job' && span.attributes['taskmcp.task.id'] === taskId,
        ),
    );
    expect(leg.activeSpanId).toBe(legSpan.spanContext().spanId);
    expect(spanNames()).toEqual(
      expect.arrayContaining(['create_task probe_job', 'queue_wait probe_job', 'tools/call probe_job']),
    );
  });

  it('stops tracing once the provider is removed', async () => {
    trace.disable();
    const before = spanNames().length;
    expect((await probe()).activeSpanId).toBeNull();
    expect((await probeJob()).leg.activeSpanId).toBeNull();
    expect(spanNames()).toHaveLength(before);
  });

  it('with a propagator but no provider, still carries the client trace context into handlers and legs', async () => {
    registerWithoutProvider({ propagator: true });
    const before = spanNames().length;
    // The no-op spans repeat the client's span context: what a handler's own outgoing calls would propagate.
    const foreground = await probe();
    expect(foreground.activeSpanId).toBe(CLIENT_SPAN_ID);
    expect(foreground.traceparent).toBe(CLIENT_TRACEPARENT);
    const { leg } = await probeJob();
    expect(leg).toEqual({
      activeSpanId: CLIENT_SPAN_ID,
      traceparent: CLIENT_TRACEPARENT,
      ctxTraceparent: CLIENT_TRACEPARENT,
    });
    expect(spanNames()).toHaveLength(before);
  });
});
