/** The child side of bench/lib/child.ts: announce readiness, answer `memory` and custom requests, stop on `stop`. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Handler = (message: Record<string, unknown>) => Promise<Record<string, unknown> | undefined>;

const handlers = new Map<string, Handler>();

/** Answer requests of this type (besides the built-in `memory` and `stop`). */
export function onRequest(type: string, handler: Handler): void {
  handlers.set(type, handler);
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
}

/** Tell the parent we are ready; `close` runs on `stop`, then the process exits. */
export function announce(info: { url?: string }, close: () => Promise<void>): void {
  if (!process.send)
    throw new Error('Run bench children through bench/lib/child.ts (they need an IPC channel).');
  process.on('message', (message: { type: string; id?: number } & Record<string, unknown>) => {
    void (async () => {
      if (message.type === 'stop') {
        await close().catch(() => {});
        process.exit(0);
      }
      try {
        let reply: Record<string, unknown> | undefined;
        if (message.type === 'memory') {
          collectGarbage();
          const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
          reply = { rss, heapUsed, external, arrayBuffers };
        } else {
          const handler = handlers.get(message.type);
          if (!handler) throw new Error(`No handler for ${message.type}.`);
          reply = await handler(message);
        }
        process.send?.({ type: 'reply', id: message.id, ...reply });
      } catch (error) {
        process.send?.({ type: 'reply', id: message.id, error: (error as Error).message });
      }
    })();
  });
  // The parent going away (crash, Ctrl-C) must not leave servers behind.
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'ready', ...info });
}

/** Serve `handle` on a free loopback port at `/mcp`, announce the URL, and on `stop` close it and run `close`. */
export async function serveAndAnnounce(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  close: () => Promise<void> | void,
): Promise<void> {
  const http = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  announce({ url: `http://127.0.0.1:${port}/mcp` }, async () => {
    http.closeAllConnections();
    http.close();
    await close();
  });
}
