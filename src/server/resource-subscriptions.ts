/**
 * `resources/subscribe` for serving units that live as long as their client (a stdio connection, a 2025-11-25 HTTP
 * session): each remembers the URIs its client subscribed to, and `notify(uri)` sends
 * `notifications/resources/updated` to every unit of this process subscribed to it. Per-request serving has no one
 * to notify later, so it does not offer subscriptions.
 */
import type { McpServer } from '@modelcontextprotocol/server';
import { onServerClose } from '../wire/sdk-gaps/index.js';

export class ResourceSubscriptions {
  private readonly subscribed = new Map<McpServer, Set<string>>();

  /** Declare `resources.subscribe` on `server` and answer its subscribe/unsubscribe requests. */
  serve(server: McpServer): void {
    const uris = new Set<string>();
    this.subscribed.set(server, uris);
    onServerClose(server, () => this.subscribed.delete(server));
    server.server.registerCapabilities({ resources: { subscribe: true } });
    server.server.setRequestHandler('resources/subscribe', (request) => {
      uris.add(request.params.uri);
      return {};
    });
    server.server.setRequestHandler('resources/unsubscribe', (request) => {
      uris.delete(request.params.uri);
      return {};
    });
  }

  /** Tell every client of this process subscribed to `uri` that it changed (best effort: a gone client is skipped). */
  async notify(uri: string): Promise<void> {
    const sends: Promise<void>[] = [];
    for (const [server, uris] of this.subscribed) {
      if (uris.has(uri)) sends.push(server.server.sendResourceUpdated({ uri }).catch(() => {}));
    }
    await Promise.all(sends);
  }
}
