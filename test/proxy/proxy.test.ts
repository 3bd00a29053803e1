/**
 * `createProxy` end to end over real HTTP: a taskmcp backend (spoken to on either protocol era) behind a proxy
 * server, itself called by real clients on both eras, on every engine. A task on the proxy follows a task on the
 * backend: status message, input (both ways), cancellation and result are mirrored, and each backend call carries
 * only its own caller's token.
 */
import { staticTokenVerifier, type TaskMCP } from 'taskmcp';
import type { TaskInfo } from 'taskmcp/client';
import { createProxy } from 'taskmcp/proxy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineCases } from '../engines.js';
import { createProxyBackend, PROXY_TOKENS } from '../fixtures/proxy-backend.js';
import { connectHttp, eventually, listedTaskModes, rpc, serveOverHttp, text } from '../helpers.js';
import { CallToolResultSchema, CreateTaskResultSchema, connectV1Http } from '../legacy/v1-client.js';

describe.each(engineCases)('proxy ($name engine)', ({ engine }) => {
  describe.each(['modern', 'legacy'] as const)('backend spoken to on the %s era', (era) => {
    const backend = createProxyBackend();
    let backendUrl: URL;
    let proxy: TaskMCP;
    let url: URL;
    let gateCount = 0;
    const gate = () => `${era}-${++gateCount}-${Math.random().toString(36).slice(2)}`;

    beforeAll(async () => {
      ({ url: backendUrl } = await serveOverHttp(backend.server));
      proxy = await createProxy({
        name: 'proxy',
        url: backendUrl,
        era,
        auth: 'forward',
        discoveryBearer: 'proxy-token',
        pollIntervalMs: 10,
        server: {
          version: '1.0.0',
          logger: process.env.PROXY_DEBUG ? undefined : () => {},
          auth: { verifier: staticTokenVerifier(PROXY_TOKENS) },
          tasks: { engine: engine() },
        },
      });
      ({ url } = await serveOverHttp(proxy));
    });
    afterAll(async () => {
      await proxy?.close();
      await backend.server.close();
    });

    it("lists the backend's tools with their task modes, on both eras' wires", async () => {
      expect(await listedTaskModes(url, 'alice-token')).toEqual({
        whoami: 'forbidden',
        report: 'optional',
        greet: 'required',
        ask_twice: 'required',
        draft: 'required',
        hold: 'required',
      });
      const v1 = await connectV1Http(url, 'alice-token');
      try {
        const listed = await v1.client.listTools();
        expect(
          Object.fromEntries(listed.tools.map((tool) => [tool.name, tool.execution?.taskSupport])),
        ).toEqual({
          whoami: 'forbidden',
          report: 'optional',
          greet: 'required',
          ask_twice: 'required',
          draft: 'required',
          hold: 'required',
        });
      } finally {
        await v1.close();
      }
    });

    it("forwards a foreground call with the caller's own token", async () => {
      const [alice, bob] = await Promise.all([
        connectHttp(url, { token: 'alice-token', era: 'modern' }),
        connectHttp(url, { token: 'bob-token', era: 'modern' }),
      ]);
      try {
        const [a, b] = await Promise.all([alice.callTool('whoami'), bob.callTool('whoami')]);
        expect(a.structuredContent).toEqual({ token: 'alice-token' });
        expect(b.structuredContent).toEqual({ token: 'bob-token' });
      } finally {
        await Promise.all([alice.close(), bob.close()]);
      }
    });

    it("runs a task on the backend, mirrors its status message, and returns its result with the caller's token", async () => {
      const client = await connectHttp(url, { token: 'alice-token', era: 'modern' });
      const id = gate();
      try {
        const handle = await client.callToolTask('report', { gate: id, steps: 2 });
        expect(handle.id).toBeDefined();
        // The backend's progress message shows on the proxy task while the backend task waits at its gate.
        await eventually(async () => (await handle.status()).statusMessage === 'Crunching (2/2)');
        backend.gates.open(id);
        const result = await handle.result();
        expect(result.structuredContent).toEqual({ token: 'alice-token', steps: 2 });
        // One backend task for the whole proxy task: later legs followed it rather than starting another.
        expect(backend.seen.started.filter((start) => start.gate === id)).toEqual([
          { tool: 'report', token: 'alice-token', gate: id },
        ]);
      } finally {
        await client.close();
      }
    });

    it('keeps two callers apart: each backend task carries only its own caller token', async () => {
      const [alice, bob] = await Promise.all([
        connectHttp(url, { token: 'alice-token', era: 'modern' }),
        connectHttp(url, { token: 'bob-token', era: 'modern' }),
      ]);
      const [ga, gb] = [gate(), gate()];
      try {
        const [ha, hb] = await Promise.all([
          alice.callToolTask('report', { gate: ga, steps: 1 }),
          bob.callToolTask('report', { gate: gb, steps: 1 }),
        ]);
        await eventually(
          () => backend.seen.started.filter((s) => s.gate === ga || s.gate === gb).length === 2,
        );
        backend.gates.open(ga);
        backend.gates.open(gb);
        const [ra, rb] = await Promise.all([ha.result(), hb.result()]);
        expect(ra.structuredContent).toEqual({ token: 'alice-token', steps: 1 });
        expect(rb.structuredContent).toEqual({ token: 'bob-token', steps: 1 });
        expect(backend.seen.started.filter((s) => s.gate === ga || s.gate === gb)).toEqual(
          expect.arrayContaining([
            { tool: 'report', token: 'alice-token', gate: ga },
            { tool: 'report', token: 'bob-token', gate: gb },
          ]),
        );
        // The proxy task is bound to its caller like any task.
        expect((await rpc(url, 'tasks/get', { taskId: ha.id }, { token: 'bob-token' })).error?.code).toBe(
          -32602,
        );
      } finally {
        await Promise.all([alice.close(), bob.close()]);
      }
    });

    it("relays the backend task's input request to the caller and the answer back", async () => {
      const asked: string[] = [];
      const client = await connectHttp(url, {
        token: 'alice-token',
        era: 'modern',
        onElicit: (params) => {
          asked.push((params as { message: string }).message);
          return { action: 'accept', content: { name: 'Ada' } };
        },
      });
      const states: TaskInfo[] = [];
      try {
        const result = await client.callTool('greet', {}, { onProgress: (task) => states.push(task) });
        expect(text(result)).toBe('Hello, Ada');
        expect(asked).toEqual(['Name?']);
        expect(states.some((state) => state.status === 'input_required')).toBe(true);
      } finally {
        await client.close();
      }
    });

    it('relays the same question asked twice in a row twice, each with its own answer', async () => {
      const answers = ['Ada', 'Grace'];
      const client = await connectHttp(url, {
        token: 'alice-token',
        era: 'modern',
        onElicit: () => ({ action: 'accept', content: { name: answers.shift()! } }),
      });
      try {
        expect(text(await client.callTool('ask_twice'))).toBe('Ada and Grace');
        expect(answers).toEqual([]);
      } finally {
        await client.close();
      }
    });

    it.each(['modern', 'legacy'] as const)(
      "relays a backend task's sampling and roots requests to a %s caller that declared them, and the answers back",
      async (callerEra) => {
        const asked: string[] = [];
        const client = await connectHttp(url, {
          token: 'alice-token',
          era: callerEra,
          onSample: (params) => {
            asked.push(`sample: ${(params.messages[0]?.content as { text?: string } | undefined)?.text}`);
            return { role: 'assistant', content: { type: 'text', text: 'Hi there' }, model: 'test' };
          },
          onListRoots: () => {
            asked.push('roots');
            return { roots: [{ uri: 'file:///work', name: 'work' }] };
          },
        });
        try {
          expect(text(await client.callTool('draft'))).toBe('Hi there for file:///work');
          expect(asked.sort()).toEqual(['roots', 'sample: Draft a greeting']);
        } finally {
          await client.close();
        }
      },
    );

    it('never asks a caller for sampling or roots it did not declare: the backend is not offered them', async () => {
      const client = await connectHttp(url, {
        token: 'alice-token',
        era: 'modern',
        onElicit: () => ({ action: 'decline' }),
      });
      try {
        const handle = await client.callToolTask('draft');
        const ended = await handle.wait();
        expect(ended.status).toBe('failed');
        expect(ended.error?.code).toBe(-32021);
        expect(ended.error?.message).toMatch(/sampling, roots/);
      } finally {
        await client.close();
      }
    });

    it('cancelling the proxy task cancels the backend task', async () => {
      const client = await connectHttp(url, { token: 'alice-token', era: 'modern' });
      const id = gate();
      try {
        const handle = await client.callToolTask('hold', { gate: id });
        await eventually(() => backend.seen.started.some((start) => start.gate === id));
        await handle.cancel();
        await eventually(() => backend.seen.aborted.has(id));
        expect((await handle.status()).status).toBe('cancelled');
      } finally {
        await client.close();
      }
    });

    it('ends the proxy task cancelled when someone else cancels the backend task', async () => {
      const client = await connectHttp(url, { token: 'alice-token', era: 'modern' });
      const other = await connectHttp(backendUrl, { token: 'alice-token', era: 'modern' });
      const id = gate();
      try {
        const handle = await client.callToolTask('hold', { gate: id });
        await eventually(() => backend.seen.holding.has(id));
        await other.cancelTask(backend.seen.holding.get(id)!);
        const ended = await eventually(async () => {
          const status = await handle.status();
          return status.status === 'working' ? undefined : status;
        });
        expect(ended.status).toBe('cancelled');
        expect(ended.statusMessage).toBe(
          `The backend task ${backend.seen.holding.get(id)} was cancelled by someone other than this proxy.`,
        );
      } finally {
        await Promise.all([client.close(), other.close()]);
      }
    });

    it('serves the proxied task to a 2025-11-25 client (SDK v1) as well', async () => {
      const v1 = await connectV1Http(url, 'bob-token');
      const id = gate();
      try {
        const created = await v1.client.request(
          { method: 'tools/call', params: { name: 'report', arguments: { gate: id, steps: 1 }, task: {} } },
          CreateTaskResultSchema,
        );
        await eventually(() => backend.seen.started.some((start) => start.gate === id));
        backend.gates.open(id);
        const result = await v1.client.experimental.tasks.getTaskResult(
          created.task.taskId,
          CallToolResultSchema,
        );
        expect(result.structuredContent).toEqual({ token: 'bob-token', steps: 1 });
      } finally {
        await v1.close();
      }
    });
  });
});
