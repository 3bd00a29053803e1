/**
 * OpenTelemetry spans of one process (memory engine), read from an in-memory exporter: requests of both eras, a
 * task's creation, queue wait and legs, and the task methods.
 */

import { GetPromptResultSchema, ReadResourceResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ProtocolError, TaskMCP, ToolError } from 'taskmcp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ToolCallFastPath } from '../../src/wire/sdk-gaps/tool-call-fast-path.js';
import { registerTracedTools, type TracedJobView } from '../fixtures/traced-tools.js';
import { eventually, rpc, serveOverHttp, untilStatus } from '../helpers.js';
import { CallToolResultSchema, CreateTaskResultSchema, connectV1Http } from '../legacy/v1-client.js';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();

/** A client-side span and the `traceparent` that makes the server's spans its children. */
function clientSpan(name: string) {
  const span = trace.getTracer('test-client').startSpan(name);
  span.end();
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(ROOT_CONTEXT, span), carrier);
  return { ...span.spanContext(), traceparent: carrier.traceparent! };
}

const spans = () => exporter.getFinishedSpans();
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
/** The one finished span matching `match`, once it has ended. */
const ended = (match: (span: ReadableSpan) => boolean) =>
  eventually(() => {
    const found = spans().filter(match);
    return found.length === 1 ? found[0] : undefined;
  });
const named = (name: string, taskId?: string) =>
  ended(
    (span) => span.name === name && (taskId === undefined || span.attributes['taskmcp.task.id'] === taskId),
  );

describe('OpenTelemetry spans', () => {
  let server: TaskMCP;
  let url: URL;

  beforeAll(async () => {
    server = new TaskMCP({ name: 'traced', version: '1.0.0', logger: () => {} });
    server
      .tool({ name: 'echo', input: z.object({ text: z.string() }) }, ({ text }) => text)
      .tool({ name: 'broken' }, () => {
        throw new ToolError('the widget is broken');
      })
      .tool({ name: 'fault' }, () => {
        throw new ProtocolError(-32603, 'backend unavailable');
      });
    registerTracedTools(server);
    server
      .resource('traced_config', 'config://traced', { task: true }, (uri) => ({
        contents: [{ uri: uri.href, text: 'config' }],
      }))
      .prompt('traced_prompt', { task: true }, () => ({
        messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }],
      }));
    ({ url } = await serveOverHttp(server));
  });
  afterAll(async () => {
    await server?.close();
    await provider.shutdown();
  });

  it('names the span of a call to an unknown tool after the method only: a client cannot choose span names', async () => {
    const client = clientSpan('call nowhere');
    const reply = await rpc(
      url,
      'tools/call',
      { name: 'no-such-tool-x7', arguments: {} },
      { meta: { traceparent: client.traceparent } },
    );
    expect(reply.error?.code).toBe(-32602);
    const span = await ended(
      (span) => span.spanContext().traceId === client.traceId && span.name === 'tools/call',
    );
    expect(span.attributes).not.toHaveProperty('gen_ai.tool.name');
    expect(spans().some((span) => span.name.includes('no-such-tool-x7'))).toBe(false);
  });

  it('traces tools/call as a SERVER span, a child of the trace context in _meta, with the MCP attributes', async () => {
    const client = clientSpan('call echo');
    await rpc(
      url,
      'tools/call',
      { name: 'echo', arguments: { text: 'hi' } },
      { id: 'req-7', meta: { traceparent: client.traceparent } },
    );
    const span = await named('tools/call echo');
    expect(span.kind).toBe(SpanKind.SERVER);
    expect(span.spanContext().traceId).toBe(client.traceId);
    expect(parentOf(span)).toBe(client.spanId);
    expect(span.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'echo',
      'gen_ai.operation.name': 'execute_tool',
      'jsonrpc.request.id': 'req-7',
      'mcp.protocol.version': '2026-07-28',
      'network.transport': 'tcp',
      'network.protocol.name': 'http',
    });
    expect(span.attributes).not.toHaveProperty('error.type');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('takes the HTTP traceparent header when _meta has no trace context', async () => {
    const client = clientSpan('call echo by header');
    await rpc(
      url,
      'tools/call',
      { name: 'echo', arguments: { text: 'h' } },
      { id: 'hdr-1', headers: { traceparent: client.traceparent } },
    );
    const span = await ended((span) => span.attributes['jsonrpc.request.id'] === 'hdr-1');
    expect(parentOf(span)).toBe(client.spanId);
  });

  it('marks a tool error as tool_error and a JSON-RPC error with its code', async () => {
    await rpc(url, 'tools/call', { name: 'broken', arguments: {} });
    const broken = await named('tools/call broken');
    expect(broken.attributes['error.type']).toBe('tool_error');
    expect(broken.status.code).toBe(SpanStatusCode.ERROR);

    const reply = await rpc(url, 'tools/call', { name: 'fault', arguments: {} });
    expect(reply.error?.code).toBe(-32603);
    const fault = await named('tools/call fault');
    expect(fault.attributes).toMatchObject({ 'error.type': '-32603', 'rpc.response.status_code': '-32603' });
    expect(fault.status).toEqual({ code: SpanStatusCode.ERROR, message: 'backend unavailable' });
  });

  it('traces a task: creation and its leg, queue wait included, under the tools/call that created it', async () => {
    const client = clientSpan('call traced_job');
    const created = await rpc(
      url,
      'tools/call',
      { name: 'traced_job', arguments: {} },
      { meta: { traceparent: client.traceparent } },
    );
    const taskId = created.result?.taskId as string;
    const done = await untilStatus(url, taskId, ['completed']);
    const view = (done.result as { structuredContent: TracedJobView }).structuredContent;

    const call = await named('tools/call traced_job');
    const create = await named('create_task traced_job');
    const queued = await named('queue_wait traced_job', taskId);
    const leg = await named('execute_tool traced_job', taskId);
    const work = await ended((span) => span.spanContext().spanId === view.spanId);
    for (const span of [call, create, queued, leg, work])
      expect(span.spanContext().traceId).toBe(client.traceId);
    expect(call.attributes['taskmcp.task.id']).toBe(taskId);
    expect(create.kind).toBe(SpanKind.PRODUCER);
    expect(create.attributes['taskmcp.task.id']).toBe(taskId);
    expect(parentOf(create)).toBe(call.spanContext().spanId);
    expect(parentOf(queued)).toBe(call.spanContext().spanId);
    expect(parentOf(leg)).toBe(call.spanContext().spanId);
    expect(parentOf(work)).toBe(leg.spanContext().spanId);
    expect(leg.attributes).toMatchObject({
      'gen_ai.tool.name': 'traced_job',
      'gen_ai.operation.name': 'execute_tool',
      'taskmcp.task.leg': 1,
      'taskmcp.task.attempt': 1,
    });
    // The queue wait runs from creation to the leg's start.
    expect(toMs(queued.startTime)).toBeGreaterThanOrEqual(toMs(create.startTime));
    expect(toMs(queued.endTime)).toBeLessThanOrEqual(toMs(leg.startTime));
    // What the handler hands downstream is the request's span, not the client's.
    expect(view.traceparent).toContain(call.spanContext().spanId);

    const get = await ended(
      (span) => span.name === 'tasks/get' && span.attributes['taskmcp.task.id'] === taskId,
    );
    expect(get.kind).toBe(SpanKind.SERVER);
    expect(get.attributes['mcp.method.name']).toBe('tasks/get');
  });

  it('traces a task the lean creating path takes exactly as the SDK path does', async () => {
    // A plain creation (trace context in the HTTP header, not in _meta) is taken by the lean path; the same call with
    // the lean path stepped aside goes through the SDK's handler. Both must open the same spans.
    let sdkOnly = false;
    let leanAnswers = 0;
    const original = ToolCallFastPath.prototype.answer;
    const spy = vi.spyOn(ToolCallFastPath.prototype, 'answer').mockImplementation(async function (
      this: ToolCallFastPath,
      ...args: Parameters<ToolCallFastPath['answer']>
    ) {
      if (sdkOnly) return undefined;
      const answer = await original.apply(this, args);
      if (answer) leanAnswers++;
      return answer;
    });
    const traced = async (id: string) => {
      const client = clientSpan(`call ${id}`);
      const headers = { traceparent: client.traceparent };
      const created = await rpc(url, 'tools/call', { name: 'traced_job', arguments: {} }, { id, headers });
      const taskId = created.result?.taskId as string;
      await untilStatus(url, taskId, ['completed']);
      const call = await named('tools/call traced_job', taskId);
      const create = await named('create_task traced_job', taskId);
      const leg = await named('execute_tool traced_job', taskId);
      expect(call.spanContext().traceId).toBe(client.traceId);
      expect(parentOf(call)).toBe(client.spanId);
      expect(parentOf(create)).toBe(call.spanContext().spanId);
      expect(parentOf(leg)).toBe(call.spanContext().spanId);
      const shape = (span: ReadableSpan) => ({
        name: span.name,
        kind: span.kind,
        status: span.status,
        attributes: { ...span.attributes, 'taskmcp.task.id': 'TASK', 'jsonrpc.request.id': 'ID' },
      });
      return [shape(call), shape(create)];
    };
    try {
      const lean = await traced('lean-1');
      expect(leanAnswers, 'the lean path took the call').toBe(1);
      sdkOnly = true;
      const sdk = await traced('sdk-1');
      expect(leanAnswers).toBe(1);
      expect(lean).toEqual(sdk);
    } finally {
      spy.mockRestore();
    }
  });

  it('traces tasks/update and tasks/cancel; a later leg is still a child of the creating request', async () => {
    const asked = await rpc(url, 'tools/call', { name: 'traced_confirm', arguments: {} });
    const askId = asked.result?.taskId as string;
    const waiting = await untilStatus(url, askId, ['input_required']);
    const [key] = Object.keys(waiting.inputRequests as object);
    const answer = { [key!]: { action: 'accept', content: { confirm: true } } };
    await rpc(url, 'tasks/update', { taskId: askId, inputResponses: answer });
    await untilStatus(url, askId, ['completed']);
    const update = await named('tasks/update', askId);
    expect(update.attributes['mcp.method.name']).toBe('tasks/update');
    const call = await named('tools/call traced_confirm');
    const second = await ended(
      (span) => span.name === 'execute_tool traced_confirm' && span.attributes['taskmcp.task.leg'] === 2,
    );
    expect(parentOf(second)).toBe(call.spanContext().spanId);

    const held = await rpc(url, 'tools/call', { name: 'traced_hold', arguments: {} });
    const holdId = held.result?.taskId as string;
    await rpc(url, 'tasks/cancel', { taskId: holdId });
    expect((await named('tasks/cancel', holdId)).attributes['mcp.method.name']).toBe('tasks/cancel');
  });

  it('traces the 2025-11-25 era the same way', async () => {
    const v1 = await connectV1Http(url);
    try {
      const created = await v1.client.request(
        { method: 'tools/call', params: { name: 'traced_job', arguments: {} } },
        CreateTaskResultSchema,
        { task: { ttl: 60_000 } },
      );
      const { taskId } = created.task;
      await v1.client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema);
      const call = await ended(
        (span) => span.name === 'tools/call traced_job' && span.attributes['taskmcp.task.id'] === taskId,
      );
      expect(call.attributes['mcp.protocol.version']).toBe('2025-11-25');
      expect(parentOf(await named('execute_tool traced_job', taskId))).toBe(call.spanContext().spanId);
      expect((await named('tasks/result', taskId)).attributes['mcp.method.name']).toBe('tasks/result');
    } finally {
      await v1.close();
    }
  });

  it('names the creation and legs of resource and prompt tasks as the MCP conventions name resources/read and prompts/get', async () => {
    const v1 = await connectV1Http(url);
    try {
      const client = clientSpan('read and get as tasks');
      const _meta = { traceparent: client.traceparent };
      const read = await v1.client.request(
        { method: 'resources/read', params: { uri: 'config://traced', _meta } },
        CreateTaskResultSchema,
        { task: { ttl: 60_000 } },
      );
      const got = await v1.client.request(
        { method: 'prompts/get', params: { name: 'traced_prompt', _meta } },
        CreateTaskResultSchema,
        { task: { ttl: 60_000 } },
      );
      await v1.client.experimental.tasks.getTaskResult(read.task.taskId, ReadResourceResultSchema);
      await v1.client.experimental.tasks.getTaskResult(got.task.taskId, GetPromptResultSchema);

      // The URI is an attribute, never part of the name (high cardinality).
      const readLeg = await named('resources/read', read.task.taskId);
      expect(readLeg.attributes).toMatchObject({
        'mcp.method.name': 'resources/read',
        'mcp.resource.uri': 'config://traced',
        'taskmcp.task.leg': 1,
      });
      const getLeg = await named('prompts/get traced_prompt', got.task.taskId);
      expect(getLeg.attributes).toMatchObject({
        'mcp.method.name': 'prompts/get',
        'gen_ai.prompt.name': 'traced_prompt',
      });
      for (const leg of [readLeg, getLeg]) {
        expect(leg.spanContext().traceId).toBe(client.traceId);
        expect(leg.attributes).not.toHaveProperty('gen_ai.tool.name');
        expect(leg.attributes).not.toHaveProperty('gen_ai.operation.name');
      }
      expect(parentOf(await named('queue_wait resources/read', read.task.taskId))).toBe(client.spanId);
      await named('queue_wait prompts/get traced_prompt', got.task.taskId);
      // Their creation is named the same way.
      const readCreation = await named('create_task resources/read', read.task.taskId);
      expect(readCreation.attributes).toMatchObject({ 'mcp.resource.uri': 'config://traced' });
      expect(readCreation.attributes).not.toHaveProperty('gen_ai.tool.name');
      await named('create_task prompts/get traced_prompt', got.task.taskId);
      const legNames = /^(execute_tool|queue_wait|create_task) (resource|prompt):/;
      expect(spans().some((span) => legNames.test(span.name))).toBe(false);
    } finally {
      await v1.close();
    }
  });

  it('runs handlers in their span: the active span inside a foreground call is the tools/call span', async () => {
    let active: string | undefined;
    const probe = new TaskMCP({ name: 'probe', version: '1.0.0', logger: () => {} }).tool(
      { name: 'probe' },
      () => {
        active = trace.getSpan(context.active())?.spanContext().spanId;
        return 'ok';
      },
    );
    const { url: probeUrl, close } = await serveOverHttp(probe);
    try {
      await rpc(probeUrl, 'tools/call', { name: 'probe', arguments: {} });
      expect(active).toBe((await named('tools/call probe')).spanContext().spanId);
    } finally {
      await close();
    }
  });
});

function toMs([seconds, nanos]: [number, number]): number {
  return seconds * 1_000 + nanos / 1e6;
}
