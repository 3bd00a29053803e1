/**
 * Resource subscriptions for clients whose serving unit outlives a request (a 2025-11-25 HTTP session here; stdio
 * the same): subscribe, get `notifications/resources/updated` when the server says the resource changed, stop after
 * unsubscribe. Stateless HTTP serving does not offer them.
 */
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { TaskMCP } from 'taskmcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, serveOverHttp } from '../helpers.js';
import { connectV1Http, type V1Connection } from '../legacy/v1-client.js';

function serverWithResources(sessions: boolean): TaskMCP {
  const server = new TaskMCP({ name: 'subscriptions', version: '1', logger: () => {}, sessions });
  for (const name of ['inventory', 'prices']) {
    server.resource(name, `data://${name}`, { mimeType: 'text/plain' }, (uri) => ({
      contents: [{ uri: uri.href, text: name }],
    }));
  }
  return server;
}

describe('resources/subscribe over a 2025-11-25 HTTP session (SDK v1 client)', () => {
  let server: TaskMCP;
  let close: () => Promise<void>;
  let connection: V1Connection;
  const updated: string[] = [];

  beforeAll(async () => {
    server = serverWithResources(true);
    const served = await serveOverHttp(server);
    close = served.close;
    connection = await connectV1Http(served.url);
    connection.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
      updated.push(notification.params.uri);
    });
  });

  afterAll(async () => {
    await connection?.close();
    await close?.();
  });

  it('declares subscriptions, notifies subscribed resources only, and stops after unsubscribe', async () => {
    expect(connection.client.getServerCapabilities()?.resources).toMatchObject({ subscribe: true });
    await connection.client.subscribeResource({ uri: 'data://inventory' });
    await connection.client.subscribeResource({ uri: 'data://prices' });

    await server.notifyResourceUpdated('data://inventory');
    await server.notifyResourceUpdated('data://nobody-asked');
    await eventually(() => updated.length === 1);

    await connection.client.unsubscribeResource({ uri: 'data://inventory' });
    await server.notifyResourceUpdated('data://inventory');
    await server.notifyResourceUpdated('data://prices');
    // Notifications on one stream arrive in order: once prices arrived, an inventory one would have come before it.
    await eventually(() => updated.length === 2);
    expect(updated).toEqual(['data://inventory', 'data://prices']);
  });
});

describe('resources/subscribe over stateless HTTP', () => {
  it('is not offered: nobody would be there to notify', async () => {
    const server = serverWithResources(false);
    const { url, close } = await serveOverHttp(server);
    const connection = await connectV1Http(url);
    try {
      expect(connection.client.getServerCapabilities()?.resources?.subscribe).toBeUndefined();
    } finally {
      await connection.close();
      await close();
    }
  });
});
