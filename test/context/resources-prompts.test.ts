/**
 * Resource, resource-template and prompt handlers see their caller as tools do: the verified token, the inbound
 * headers and the HTTP request over Streamable HTTP with real JWTs, nothing over stdio; on both protocol eras.
 */
import { fileURLToPath } from 'node:url';
import { TaskMCP } from 'taskmcp';
import { Client } from 'taskmcp/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  promptView,
  type ResourceCallerView,
  registerCallerResources,
  resourceView,
} from '../fixtures/caller-resources.js';
import { type JwtIssuer, startJwtIssuer } from '../fixtures/jwt-issuer.js';
import { serveOverHttp } from '../helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eras = [{ era: 'modern' as const }, { era: 'legacy' as const }];

/** Every view the four handlers return for one client. */
async function views(client: Client): Promise<ResourceCallerView[]> {
  return [
    resourceView(await client.sdk.readResource({ uri: 'caller://me' })),
    resourceView(await client.sdk.readResource({ uri: 'caller://items/42' })),
    promptView(await client.sdk.getPrompt({ name: 'caller_prompt', arguments: { topic: 'tides' } })),
    promptView(await client.sdk.getPrompt({ name: 'caller_plain' })),
  ];
}

describe('resource and prompt handlers over HTTP', () => {
  let issuer: JwtIssuer;
  let secured: { url: URL; close(): Promise<void> };
  let open: { url: URL; close(): Promise<void> };
  let alice: string;

  beforeAll(async () => {
    issuer = await startJwtIssuer();
    secured = await serveOverHttp(
      registerCallerResources(
        new TaskMCP({
          name: 'resources-secured',
          version: '1.0.0',
          logger: () => {},
          auth: { verifier: issuer.verifier() },
        }),
      ),
    );
    open = await serveOverHttp(
      registerCallerResources(new TaskMCP({ name: 'resources-open', version: '1.0.0', logger: () => {} })),
    );
    alice = await issuer.sign({ clientId: 'app', sub: 'alice', scope: 'docs:read' });
  });

  afterAll(async () => {
    await secured?.close();
    await open?.close();
    await issuer?.close();
  });

  describe.each(eras)('$era era', ({ era }) => {
    it('gives every handler the bearer token, the headers and the HTTP request', async () => {
      const headers = { authorization: `Bearer ${alice}`, 'x-marker': `res-${era}`, cookie: 'sid=secret' };
      const client = await Client.connect({ url: secured.url, headers }, { era });
      try {
        const seen = await views(client);
        for (const view of seen) {
          expect(view.token).toEqual({ token: alice, clientId: 'app', sub: 'alice', scopes: ['docs:read'] });
          expect(view.taskId).toBeNull();
          expect(view.requestId).toEqual(expect.any(Number));
          expect(view.headers['x-marker']).toBe(`res-${era}`);
          expect(view.headers).not.toHaveProperty('authorization');
          expect(view.headers).not.toHaveProperty('cookie');
          expect(view.authorization).toBe(`Bearer ${alice}`);
          expect(view.request).toEqual({
            method: 'POST',
            url: secured.url.href,
            marker: `res-${era}`,
            authorization: `Bearer ${alice}`,
          });
        }
        expect(seen[1]).toMatchObject({ uri: 'caller://items/42', variables: { id: '42' } });
        expect(seen[2]?.arguments).toEqual({ topic: 'tides' });
      } finally {
        await client.close();
      }
    });

    it('gives anonymous callers no token, but their headers and request', async () => {
      const client = await Client.connect({ url: open.url, headers: { 'x-marker': 'anon' } }, { era });
      try {
        for (const view of await views(client)) {
          expect(view.token).toBeNull();
          expect(view.authorization).toBeNull();
          expect(view.headers['x-marker']).toBe('anon');
          expect(view.request).toMatchObject({ method: 'POST', marker: 'anon', authorization: null });
        }
      } finally {
        await client.close();
      }
    });
  });
});

describe.each(eras)('resource and prompt handlers over stdio ($era era, a real subprocess)', ({ era }) => {
  let client: Client;
  beforeAll(async () => {
    client = await Client.connect(
      {
        command: `${root}node_modules/.bin/tsx`,
        args: [`${root}test/fixtures/stdio-caller-server.ts`],
        cwd: root,
        stderr: 'ignore',
      },
      { era },
    );
  });
  afterAll(async () => {
    await client?.close();
  });

  it('runs every handler in a context with no token, no headers and no HTTP request', async () => {
    for (const view of await views(client)) {
      expect(view).toMatchObject({
        token: null,
        headers: {},
        authorization: null,
        request: null,
        taskId: null,
      });
      expect(view.requestId).toEqual(expect.any(Number));
    }
  });
});
