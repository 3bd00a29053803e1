/** Over stdio there is no HTTP request and no token: the accessors say so, in the foreground and in a task. */
import { fileURLToPath } from 'node:url';
import { Client } from 'taskmcp/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallerView } from '../fixtures/caller-tools.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('caller accessors over stdio (a real subprocess)', () => {
  const target = {
    command: `${root}node_modules/.bin/tsx`,
    args: [`${root}test/fixtures/stdio-caller-server.ts`],
    cwd: root,
    stderr: 'ignore' as const,
  };
  let client: Client;
  let foregroundOnly: Client;
  beforeAll(async () => {
    [client, foregroundOnly] = await Promise.all([
      Client.connect(target, { era: 'modern' }),
      Client.connect(target, { era: 'modern', tasks: false }),
    ]);
  });
  afterAll(async () => {
    await client?.close();
    await foregroundOnly?.close();
  });

  it('reports no token, no headers and no HTTP request, in the foreground and in a task', async () => {
    const foreground = (await foregroundOnly.callTool('caller')).structuredContent as CallerView;
    const handle = await client.callToolTask('caller', {});
    const background = (await handle.result()).structuredContent as CallerView;
    expect(foreground.taskId).toBeNull();
    expect(background.taskId).toBe(handle.id);
    for (const view of [foreground, background]) {
      expect(view).toMatchObject({ token: null, headers: {}, authorization: null, request: null });
    }
  });
});
