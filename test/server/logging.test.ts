/**
 * `ctx.log` reaches the client: the server declares the logging capability, answers `logging/setLevel`, and sends
 * a handler's log lines as `notifications/message` while the call runs (official SDK v1 client, 2025-11-25, over
 * Streamable HTTP).
 */
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { TaskMCP } from 'taskmcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveOverHttp } from '../helpers.js';
import { connectV1Http, type V1Connection } from '../legacy/v1-client.js';

describe('logging to the client over HTTP (SDK v1 client)', () => {
  let server: TaskMCP;
  let close: () => Promise<void>;
  let connection: V1Connection;

  beforeAll(async () => {
    server = new TaskMCP({ name: 'logging', version: '1' });
    server.tool({ name: 'chatty', description: 'Logs three lines.' }, async (_args, ctx) => {
      await ctx.info('starting');
      await ctx.warn('halfway', { done: 1, of: 2 });
      await ctx.error('almost');
      return 'done';
    });
    const served = await serveOverHttp(server);
    close = served.close;
    connection = await connectV1Http(served.url);
  });

  afterAll(async () => {
    await connection?.close();
    await close?.();
  });

  it('declares logging and accepts logging/setLevel', async () => {
    expect(connection.client.getServerCapabilities()?.logging).toEqual({});
    await expect(connection.client.setLoggingLevel('debug')).resolves.toEqual({});
  });

  it("sends a handler's log lines as notifications/message during the call", async () => {
    const lines: Array<{ level: string; data: unknown }> = [];
    connection.client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
      lines.push({ level: notification.params.level, data: notification.params.data });
    });
    const result = await connection.client.callTool({ name: 'chatty', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: 'done' }]);
    expect(lines).toEqual([
      { level: 'info', data: 'starting' },
      { level: 'warning', data: { message: 'halfway', data: { done: 1, of: 2 } } },
      { level: 'error', data: 'almost' },
    ]);
  });
});
