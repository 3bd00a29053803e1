/**
 * `tasks.defaultMode` as clients of both eras see it over Streamable HTTP: advertised in tools/list, and obeyed when
 * a tool registered without `task` is called with and without tasks.
 */
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { TaskMCP } from 'taskmcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listedTaskModes, rpc, serveOverHttp, text, untilStatus } from '../helpers.js';
import {
  CallToolResultSchema,
  CreateTaskResultSchema,
  connectV1Http,
  type V1Connection,
} from '../legacy/v1-client.js';

describe.each(['optional', 'required'] as const)('tasks.defaultMode %s over HTTP', (defaultMode) => {
  let server: TaskMCP;
  let url: URL;
  let v1: V1Connection;

  beforeAll(async () => {
    server = new TaskMCP({ name: 'defaults', version: '1.0.0', logger: () => {}, tasks: { defaultMode } });
    server.tool({ name: 'bare' }, () => 'bare done').tool({ name: 'off', task: false }, () => 'off done');
    ({ url } = await serveOverHttp(server));
    v1 = await connectV1Http(url);
  });
  afterAll(async () => {
    await v1?.close();
    await server?.close();
  });

  describe('2026-07-28', () => {
    it('lists the default as the mode of a tool without task', async () => {
      expect(await listedTaskModes(url)).toEqual({
        bare: defaultMode,
        off: 'forbidden',
      });
    });

    it('runs the tool as a task for a client that declares the tasks extension', async () => {
      const { result } = await rpc(url, 'tools/call', { name: 'bare', arguments: {} });
      expect(result).toMatchObject({ resultType: 'task', status: 'working' });
      const done = await untilStatus(url, result?.taskId as string, ['completed']);
      expect(text(done.result as { content: unknown })).toBe('bare done');
    });

    it('answers a client without tasks as the mode says; task: false stays in the foreground', async () => {
      const reply = await rpc(url, 'tools/call', { name: 'bare', arguments: {} }, { declare: false });
      if (defaultMode === 'optional') expect(text(reply.result!)).toBe('bare done');
      else expect(reply.error).toMatchObject({ code: -32021 });
      const off = await rpc(url, 'tools/call', { name: 'off', arguments: {} });
      expect(off.result).not.toHaveProperty('resultType', 'task');
      expect(text(off.result!)).toBe('off done');
    });
  });

  describe('2025-11-25', () => {
    it('advertises the default as execution.taskSupport', async () => {
      const { tools } = await v1.client.listTools();
      expect(Object.fromEntries(tools.map((tool) => [tool.name, tool.execution?.taskSupport]))).toEqual({
        bare: defaultMode,
        off: 'forbidden',
      });
    });

    it('creates a task for a task-augmented call', async () => {
      const created = await v1.client.request(
        { method: 'tools/call', params: { name: 'bare', arguments: {} } },
        CreateTaskResultSchema,
        { task: { ttl: 60_000 } },
      );
      expect(created.task.status).toBe('working');
      const result = await v1.client.experimental.tasks.getTaskResult(
        created.task.taskId,
        CallToolResultSchema,
      );
      expect(text(result)).toBe('bare done');
    });

    it('answers a plain call as the mode says', async () => {
      const plain = v1.client.request(
        { method: 'tools/call', params: { name: 'bare', arguments: {} } },
        CallToolResultSchema,
      );
      if (defaultMode === 'optional') expect(text(await plain)).toBe('bare done');
      else
        await expect(plain).rejects.toSatisfy((error) => error instanceof McpError && error.code === -32601);
    });
  });
});
