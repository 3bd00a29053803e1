import { fileURLToPath } from 'node:url';
import { Client } from 'taskmcp/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerAdaAndYes } from '../fixtures/test-server.js';
import { text } from '../helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const target = {
  command: `${root}node_modules/.bin/tsx`,
  args: [`${root}test/fixtures/stdio-server.ts`],
  cwd: root,
  stderr: 'ignore' as const,
};

describe('over stdio (a real subprocess)', () => {
  describe('2026-07-28', () => {
    let client: Client;
    beforeAll(async () => {
      client = await Client.connect(target, {
        era: 'modern',
        onElicit: answerAdaAndYes,
      });
    });
    afterAll(() => client?.close());

    it('serves foreground calls', async () => {
      expect(client.protocolVersion).toBe('2026-07-28');
      expect(text(await client.callTool('hello', { name: 'stdio' }))).toBe('Hello, stdio!');
    });

    it('runs a task to completion with the task id in its context', async () => {
      const handle = await client.callToolTask('whoami', { label: 'stdio-task', delayMs: 20 });
      expect(handle.id).toMatch(/^t/);
      const result = await handle.result();
      expect(result.structuredContent).toMatchObject({
        label: 'stdio-task',
        sameContext: true,
        after: { taskId: handle.id },
      });
    });

    it('answers in-task input through the elicitation handler', async () => {
      expect(text(await client.callTool('ask_two'))).toBe('name=Ada ok=true');
    });

    it('cancels a running task', async () => {
      const handle = await client.callToolTask('wait_for_cancel', { label: 'stdio-cancel' });
      await handle.wait({ status: 'working' });
      await handle.cancel();
      expect((await handle.wait()).status).toBe('cancelled');
    });

    it('refuses a task-only tool to a client that does not declare tasks', async () => {
      const plain = await Client.connect(target, { era: 'modern', tasks: false });
      try {
        await expect(plain.callTool('task_only', { n: 2 })).rejects.toMatchObject({ code: -32021 });
      } finally {
        await plain.close();
      }
    });
  });

  describe('2025-11-25', () => {
    let client: Client;
    beforeAll(async () => {
      client = await Client.connect(target, { era: 'legacy' });
    });
    afterAll(() => client?.close());

    it('serves the same tools, running task-capable ones as tasks of this era', async () => {
      expect(client.protocolVersion).toBe('2025-11-25');
      expect(text(await client.callTool('hello', { name: 'legacy' }))).toBe('Hello, legacy!');
      const seen = (await client.callTool('whoami', { label: 'legacy' })).structuredContent;
      expect(seen).toMatchObject({ label: 'legacy', after: { taskId: expect.stringMatching(/^t/) } });
    });

    it('runs them in the foreground for a client with tasks turned off', async () => {
      const plain = await Client.connect(target, { era: 'legacy', tasks: false });
      try {
        const seen = (await plain.callTool('whoami', { label: 'legacy-plain' })).structuredContent;
        expect(seen).toMatchObject({ label: 'legacy-plain', after: { taskId: null } });
      } finally {
        await plain.close();
      }
    });
  });
});
