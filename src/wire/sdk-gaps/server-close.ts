/**
 * Knowing when an SDK server's connection closes, which `McpServer` has no event for (no upstream issue filed yet).
 */
import type { McpServer } from '@modelcontextprotocol/server';

/**
 * Run `listener` when the SDK server's connection closes.
 *
 * Gap: `McpServer` has no close event of its own; the low-level `Server`'s `onclose` callback is the only hook, so
 * chain onto it rather than replace it.
 */
export function onServerClose(server: McpServer, listener: () => void): void {
  const previous = server.server.onclose;
  server.server.onclose = () => {
    previous?.();
    listener();
  };
}
