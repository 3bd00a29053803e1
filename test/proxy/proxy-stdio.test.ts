/**
 * The proxy of a stdio backend, a real child process, spoken to on either era, on every engine: tools and task
 * modes kept, foreground calls forwarded, a proxy task followed within one leg to the backend task's result, and a
 * cancelled proxy task cancels the backend task in the child; a backend task cancelled by the child itself ends
 * the proxy task cancelled. Input requests of its tasks are refused clearly.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TaskMCP } from 'taskmcp';
import { createProxy } from 'taskmcp/proxy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineCases } from '../engines.js';
import { connectHttp, eventually, listedTaskModes, serveOverHttp, text } from '../helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe.each(engineCases)('proxy of a stdio backend ($name engine)', ({ engine }) => {
  describe.each(['modern', 'legacy'] as const)('spoken to on the %s era', (era) => {
    const log = join(
      tmpdir(),
      `proxy-stdio-${process.pid}-${era}-${Math.random().toString(36).slice(2)}.log`,
    );
    const noted = () => readFileSync(log, 'utf8').split('\n');
    let proxy: TaskMCP;
    let url: URL;

    beforeAll(async () => {
      writeFileSync(log, '');
      proxy = await createProxy({
        name: 'stdio-proxy',
        stdio: {
          command: `${root}node_modules/.bin/tsx`,
          args: [`${root}test/fixtures/proxy-stdio.ts`],
          cwd: root,
          env: { PROXY_STDIO_LOG: log, PATH: process.env.PATH ?? '' },
        },
        era,
        server: { version: '1.0.0', logger: () => {}, tasks: { engine: engine() } },
      });
      ({ url } = await serveOverHttp(proxy));
    });
    afterAll(async () => {
      await proxy?.close();
    });

    it("lists the child's tools with their task modes and forwards a foreground call", async () => {
      expect(await listedTaskModes(url)).toEqual({
        echo: 'forbidden',
        square: 'required',
        hold: 'required',
        self_cancel: 'required',
        ask: 'required',
      });
      const client = await connectHttp(url, { era: 'modern' });
      try {
        expect(text(await client.callTool('echo', { text: 'hi' }))).toBe('hi');
      } finally {
        await client.close();
      }
    });

    it("runs a proxy task to the backend task's result", async () => {
      const client = await connectHttp(url, { era: 'modern' });
      try {
        const handle = await client.callToolTask('square', { n: 7 });
        expect(handle.id).toBeDefined();
        expect(text(await handle.result())).toBe('square: 49');
      } finally {
        await client.close();
      }
    });

    it('cancelling the proxy task cancels the backend task in the child', async () => {
      const client = await connectHttp(url, { era: 'modern' });
      const gate = `hold-${Math.random().toString(36).slice(2)}`;
      try {
        const handle = await client.callToolTask('hold', { gate });
        await eventually(() => noted().includes(`started ${gate}`));
        await handle.cancel();
        await eventually(() => noted().includes(`aborted ${gate}`));
        expect((await handle.status()).status).toBe('cancelled');
      } finally {
        await client.close();
      }
    });

    it('ends the proxy task cancelled when the backend cancels its task itself', async () => {
      const client = await connectHttp(url, { era: 'modern' });
      const gate = `self-${Math.random().toString(36).slice(2)}`;
      try {
        const handle = await client.callToolTask('self_cancel', { gate });
        await eventually(() => noted().includes(`aborted ${gate}`));
        const ended = await handle.wait();
        expect(ended.status).toBe('cancelled');
        expect(ended.statusMessage).toMatch(/cancelled by someone other than this proxy/);
      } finally {
        await client.close();
      }
    });

    it('fails a task whose backend task asks for input, saying the proxy does not relay it', async () => {
      const client = await connectHttp(url, { era: 'modern', onElicit: () => ({ action: 'decline' }) });
      try {
        const result = await client.callTool('ask');
        expect(result.isError).toBe(true);
        expect(text(result)).toContain('does not relay input requests of a stdio backend');
      } finally {
        await client.close();
      }
    });
  });
});

describe('proxy of a stdio backend: options', () => {
  it('refuses a credential for a stdio backend', async () => {
    await expect(createProxy({ name: 'p', stdio: { command: 'x' }, auth: 'forward' })).rejects.toThrow(
      /auth is for HTTP backends/,
    );
    await expect(createProxy({ name: 'p', stdio: { command: 'x' }, url: 'http://h/mcp' })).rejects.toThrow(
      /either url .* or stdio/,
    );
  });
});
