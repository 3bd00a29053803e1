/**
 * `server.mount(child, { prefix })` end to end over Streamable HTTP, on both eras and every engine: the child's tools,
 * resources, templates and prompts served under the prefix, tools keeping their task modes, retries and dependencies
 * and running as tasks on the parent's engine, the child's middleware inside the parent's; and what mounting refuses.
 * test/composition/mount-worker.test.ts runs a mounted tool's task in a separate `taskmcp worker` process.
 */
import { ResourceTemplate } from '@modelcontextprotocol/server';
import { MemoryTaskEngine, TaskMCP } from 'taskmcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { engineCases } from '../engines.js';
import { createChild, createMountedServer, type SeenView } from '../fixtures/mounted-server.js';
import { listedTaskModes, rpc, serveOverHttp, untilStatus } from '../helpers.js';
import { CallToolResultSchema, CreateTaskResultSchema, connectV1Http } from '../legacy/v1-client.js';

const MODES = {
  own: 'forbidden',
  crm_lookup: 'forbidden',
  crm_echo: 'optional',
  crm_report: 'required',
  crm_stuck: 'forbidden',
};

describe.each(engineCases)('mount ($name engine)', ({ engine }) => {
  let server: TaskMCP;
  let url: URL;

  beforeAll(async () => {
    server = createMountedServer({ name: 'mounted', engine: engine() });
    ({ url } = await serveOverHttp(server));
  });
  afterAll(async () => {
    await server?.close();
  });

  const call = (name: string, options: { declare?: boolean } = {}) =>
    rpc(url, 'tools/call', { name, arguments: {} }, options);
  const read = (uri: string) => rpc(url, 'resources/read', { uri }, { headers: { 'mcp-name': uri } });

  describe('2026-07-28', () => {
    it("lists the child's tools under the prefix, each with the task mode the child resolved", async () => {
      expect(await listedTaskModes(url)).toEqual(MODES);
    });

    it('calls a mounted tool by its prefixed name, through the parent middleware and then the child one', async () => {
      const { result } = await call('crm_lookup', { declare: false });
      expect(result?.structuredContent).toMatchObject({
        toolName: 'crm_lookup',
        trail: ['parent', 'child:lookup'],
        taskId: null,
      } satisfies Partial<SeenView>);
      // The child's middleware stays with the child's tools.
      expect((await call('own')).result?.structuredContent).toMatchObject({ trail: ['parent'] });
      expect((await call('lookup')).error?.message).toContain('Tool lookup not found');
      // The child's timeout came along.
      expect((await call('crm_stuck', { declare: false })).error).toMatchObject({ code: -32001 });
    });

    it("runs a mounted task tool on the parent's engine with its ttl, retry policy and dependencies", async () => {
      const created = await call('crm_report');
      expect(created.result).toMatchObject({ resultType: 'task', pollIntervalMs: 70 });
      // The child's ttlMs of 2 minutes, not the default of 15.
      expect(created.result?.ttlMs).toBeGreaterThan(60_000);
      expect(created.result?.ttlMs).toBeLessThanOrEqual(120_000);
      const task = await untilStatus(url, created.result!.taskId as string, ['completed', 'failed']);
      expect(task.status).toBe('completed');
      expect((task.result as { structuredContent: SeenView }).structuredContent).toEqual({
        toolName: 'crm_report',
        trail: ['parent', 'child:report'],
        pid: process.pid,
        taskId: task.taskId,
        attempt: 2,
        stamp: 'stamp for crm_report',
      });
      const optional = await call('crm_echo');
      expect(optional.result?.resultType).toBe('task');
      const echoed = await untilStatus(url, optional.result!.taskId as string, ['completed', 'failed']);
      expect(echoed).toMatchObject({
        status: 'completed',
        result: { structuredContent: { toolName: 'crm_echo' } },
      });
    });

    it('serves resources, templates and prompts under prefixed names and URIs', async () => {
      const listed = (await rpc(url, 'resources/list')).result!.resources as Array<{
        name: string;
        uri: string;
      }>;
      expect(listed.map(({ name, uri }) => ({ name, uri }))).toEqual(
        expect.arrayContaining([
          { name: 'crm_config', uri: 'data://crm/config' },
          { name: 'item 1', uri: 'data://crm/items/1' },
        ]),
      );
      const templates = (await rpc(url, 'resources/templates/list')).result!.resourceTemplates;
      expect(templates).toEqual([
        expect.objectContaining({ name: 'crm_item', uriTemplate: 'data://crm/items/{id}' }),
      ]);
      // The handler gets the URI the client read; the child's middleware sees its own resource name.
      expect((await read('data://crm/config')).result?.contents).toEqual([
        { uri: 'data://crm/config', text: 'config child:config parent' },
      ]);
      expect((await read('data://crm/items/7')).result?.contents).toEqual([
        { uri: 'data://crm/items/7', text: 'item 7 child:item parent' },
      ]);
      expect((await read('data://config')).error).toBeDefined();
      const prompt = await rpc(
        url,
        'prompts/get',
        { name: 'crm_greet', arguments: { who: 'Ada' } },
        { headers: { 'mcp-name': 'crm_greet' } },
      );
      expect(prompt.result?.messages).toEqual([
        { role: 'user', content: { type: 'text', text: 'Hello Ada' } },
      ]);
    });
  });

  describe('2025-11-25', () => {
    it('advertises execution.taskSupport and serves tools, tasks, resources and prompts under the prefix', async () => {
      const v1 = await connectV1Http(url);
      try {
        const { tools } = await v1.client.listTools();
        expect(Object.fromEntries(tools.map((tool) => [tool.name, tool.execution?.taskSupport]))).toEqual(
          MODES,
        );
        const lookup = await v1.client.callTool({ name: 'crm_lookup', arguments: {} });
        expect(lookup.structuredContent).toMatchObject({
          toolName: 'crm_lookup',
          trail: ['parent', 'child:lookup'],
        });
        const { task } = await v1.client.request(
          { method: 'tools/call', params: { name: 'crm_report', arguments: {} } },
          CreateTaskResultSchema,
          { task: { ttl: 60_000 } },
        );
        const result = await v1.client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema);
        expect(result.structuredContent).toMatchObject({
          toolName: 'crm_report',
          attempt: 2,
          stamp: 'stamp for crm_report',
          taskId: task.taskId,
        });
        const item = await v1.client.readResource({ uri: 'data://crm/items/3' });
        expect(item.contents).toEqual([{ uri: 'data://crm/items/3', text: 'item 3 child:item parent' }]);
        const prompt = await v1.client.getPrompt({ name: 'crm_greet', arguments: { who: 'Bo' } });
        expect(prompt.messages[0]?.content).toEqual({ type: 'text', text: 'Hello Bo' });
      } finally {
        await v1.close();
      }
    });
  });
});

describe('mount refuses', () => {
  const parent = () =>
    new TaskMCP({ name: 'app', version: '1.0.0', tasks: { engine: new MemoryTaskEngine() } });

  it('a clash of tool, prompt or resource names or URIs, leaving the parent as it was', () => {
    const withTool = parent().tool({ name: 'crm_echo' }, () => 'mine');
    expect(() => withTool.mount(createChild(), { prefix: 'crm' })).toThrow(
      "Cannot mount 'crm' on 'app' with prefix 'crm': a tool named 'crm_echo' is already registered.",
    );
    // Nothing of the refused mount was added.
    expect(() => withTool.tool({ name: 'crm_lookup' }, () => 'mine')).not.toThrow();
    const withResource = parent().resource('mine', 'data://crm/config', {}, async () => ({ contents: [] }));
    expect(() => withResource.mount(createChild(), { prefix: 'crm' })).toThrow(
      'a resource with the URI data://crm/config is already registered',
    );
    const withTemplate = parent().resource(
      'crm_item',
      new ResourceTemplate('other://{x}', { list: undefined }),
      {},
      async () => ({ contents: [] }),
    );
    expect(() => withTemplate.mount(createChild(), { prefix: 'crm' })).toThrow(
      "a resource template named 'crm_item' is already registered",
    );
    const withPrompt = parent().prompt('crm_greet', {}, () => ({ messages: [] }));
    expect(() => withPrompt.mount(createChild(), { prefix: 'crm' })).toThrow(
      "a prompt named 'crm_greet' is already registered",
    );
    // After a mount, the parent's own registrations are checked against the mounted ones.
    const mounted = parent().mount(createChild(), { prefix: 'crm' });
    expect(() => mounted.prompt('crm_greet', {}, () => ({ messages: [] }))).toThrow(
      "On 'app', a prompt named 'crm_greet' is already registered.",
    );
    expect(() => mounted.tool({ name: 'crm_report' }, () => 'x')).toThrow("A tool named 'crm_report'");
  });

  it('registrations on the child after it was mounted', () => {
    const child = createChild();
    parent().mount(child, { prefix: 'crm' });
    const late = "on 'crm' before mounting it: it was mounted on 'app' with prefix 'crm'";
    expect(() => child.tool({ name: 'later' }, () => 'x')).toThrow(`Register tool 'later' ${late}`);
    expect(() => child.resource('later', 'data://later', {}, async () => ({ contents: [] }))).toThrow(
      `Register resource 'later' ${late}`,
    );
    expect(() => child.prompt('later', {}, () => ({ messages: [] }))).toThrow(
      `Register prompt 'later' ${late}`,
    );
    expect(() => child.use(async (_call, next) => next())).toThrow(`Add middleware ${late}`);
    expect(() => child.mount(createChild(), { prefix: 'sub' })).toThrow(`Mount 'crm' ${late}`);
  });

  it('mounting after the parent started, a started child, or the server itself', async () => {
    const started = parent();
    await started.start();
    try {
      expect(() => started.mount(createChild(), { prefix: 'crm' })).toThrow(
        "Mount 'crm' on 'app' before the server starts.",
      );
      expect(() => parent().mount(started, { prefix: 'app' })).toThrow("Mount 'app' before it starts");
    } finally {
      await started.close();
    }
    const self = parent();
    expect(() => self.mount(self, { prefix: 'me' })).toThrow("Server 'app' cannot mount itself.");
  });

  it('a prefix that is not a safe identifier, and a resource URI with no place for one', () => {
    for (const prefix of ['', 'Crm', '1crm', 'crm/x', 'crm.x', 'c'.repeat(65), undefined]) {
      expect(() => parent().mount(createChild(), { prefix } as { prefix: string }), String(prefix)).toThrow(
        /Mount 'crm' with a prefix of 1-64 lower-case letters, digits, '_' or '-', starting with a letter; got/,
      );
    }
    const child = new TaskMCP({ name: 'urns', version: '1.0.0' }).resource('u', 'urn:x', {}, async () => ({
      contents: [],
    }));
    expect(() => parent().mount(child, { prefix: 'u' })).toThrow(
      "the URI of resource 'u', urn:x, has no 'scheme://' to insert the prefix after",
    );
  });
});

describe('nested mounts', () => {
  it('prefix twice and run each server middleware, outermost first, each under its own names', async () => {
    const grandchild = new TaskMCP({ name: 'inner', version: '1.0.0' })
      .use({
        tool: (call, next) =>
          next({ ...call, arguments: { trail: [...trailOf(call), `inner:${call.name}`] } }),
      })
      .tool({ name: 'deep', input: z.object({ trail: z.array(z.string()).default([]) }) }, ({ trail }) => ({
        trail,
      }));
    const child = new TaskMCP({ name: 'middle', version: '1.0.0' })
      .use({
        tool: (call, next) =>
          next({ ...call, arguments: { trail: [...trailOf(call), `middle:${call.name}`] } }),
      })
      .mount(grandchild, { prefix: 'in' });
    const top = new TaskMCP({ name: 'top', version: '1.0.0', tasks: { engine: new MemoryTaskEngine() } })
      .use({
        tool: (call, next) => next({ ...call, arguments: { trail: [...trailOf(call), `top:${call.name}`] } }),
      })
      .mount(child, { prefix: 'mid' });
    const { url } = await serveOverHttp(top);
    try {
      const { result } = await rpc(
        url,
        'tools/call',
        { name: 'mid_in_deep', arguments: {} },
        { declare: false },
      );
      expect(result?.structuredContent).toEqual({
        trail: ['top:mid_in_deep', 'middle:in_deep', 'inner:deep'],
      });
    } finally {
      await top.close();
    }
  });
});

function trailOf(call: { arguments: Readonly<Record<string, unknown>> }): string[] {
  return (call.arguments.trail as string[] | undefined) ?? [];
}
