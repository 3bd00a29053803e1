/**
 * Context forwarding end to end over Streamable HTTP with real JWTs (ES256, JWKS served on loopback), on every
 * engine: the handler sees the same caller in the foreground and in a background task.
 */
import { TaskMCP } from 'taskmcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineCases } from '../engines.js';
import { type CallerView, registerCallerTools } from '../fixtures/caller-tools.js';
import { type JwtIssuer, startJwtIssuer } from '../fixtures/jwt-issuer.js';
import { rpc, serveOverHttp, untilRefused, untilStatus } from '../helpers.js';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

/** The caller view a finished task (or a foreground call) returned. */
function viewOf(result: Record<string, unknown> | undefined): CallerView {
  const payload = (result?.result as Record<string, unknown> | undefined) ?? result;
  return payload?.structuredContent as CallerView;
}

describe.each(engineCases)('context forwarding ($name engine)', ({ engine }) => {
  let issuer: JwtIssuer;
  let secured: { url: URL; close(): Promise<void> };
  let open: { url: URL; close(): Promise<void> };
  let alice: string;
  let bob: string;
  let service: string;

  beforeAll(async () => {
    issuer = await startJwtIssuer();
    const server = new TaskMCP({
      name: 'forwarding',
      version: '1.0.0',
      logger: () => {},
      tasks: { engine: engine() },
      auth: {
        verifier: issuer.verifier(),
        resourceMetadataUrl: 'https://mcp.test/.well-known/oauth-protected-resource',
      },
    });
    secured = await serveOverHttp(registerCallerTools(server));
    const anonymous = new TaskMCP({
      name: 'forwarding-anon',
      version: '1.0.0',
      logger: () => {},
      tasks: { engine: engine() },
    });
    open = await serveOverHttp(registerCallerTools(anonymous));
    [alice, bob, service] = await Promise.all([
      issuer.sign({ clientId: 'app', sub: 'alice', scope: 'tools:read tools:write' }),
      issuer.sign({ clientId: 'app', sub: 'bob' }),
      issuer.sign({ clientId: 'service' }),
    ]);
  });

  afterAll(async () => {
    await secured?.close();
    await open?.close();
    await issuer?.close();
  });

  describe('authentication', () => {
    it('answers missing, malformed, expired and foreign-audience tokens with 401 and a Bearer challenge', async () => {
      const expired = await issuer.sign({ clientId: 'app', sub: 'alice', expiresIn: -60 });
      const wrongAudience = await issuer.sign({ clientId: 'app', audience: 'https://other/' });
      const noClient = await issuer.sign({ sub: 'alice' });
      for (const token of [undefined, 'not-a-jwt', expired, wrongAudience, noClient]) {
        const reply = await rpc(secured.url, 'tools/list', {}, { token });
        expect(reply.status, String(token)).toBe(401);
      }
      const response = await fetch(secured.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${expired}` },
        body: '{}',
      });
      const challenge = response.headers.get('www-authenticate');
      expect(challenge).toMatch(/^Bearer .*error="invalid_token"/);
      expect(challenge).toContain(
        'resource_metadata="https://mcp.test/.well-known/oauth-protected-resource"',
      );
    });
  });

  it('reads the client from azp when client_id is absent, and scopes from scp', async () => {
    const viaAzp = await issuer.sign({ sub: 'alice', claims: { azp: 'app', scp: ['reports'] } });
    const reply = await rpc(
      secured.url,
      'tools/call',
      { name: 'caller', arguments: {} },
      { token: viaAzp, declare: false },
    );
    expect(viewOf(reply.result).token).toMatchObject({ clientId: 'app', sub: 'alice', scopes: ['reports'] });
  });

  describe('the handler sees the same caller in the foreground and in a task', () => {
    const headers = { 'x-marker': 'm-1', cookie: 'sid=secret', traceparent: TRACEPARENT };

    it('forwards token, headers, request id, trace context and a rebuilt HTTP request', async () => {
      const foreground = await rpc(
        secured.url,
        'tools/call',
        { name: 'caller', arguments: {} },
        { token: alice, headers, declare: false, id: 'fg-1' },
      );
      const created = await rpc(
        secured.url,
        'tools/call',
        { name: 'caller', arguments: {} },
        { token: alice, headers, id: 'bg-1' },
      );
      expect(created.result?.resultType).toBe('task');
      const done = await untilStatus(secured.url, created.result!.taskId as string, ['completed'], alice);

      const fg = viewOf(foreground.result);
      const bg = viewOf(done);
      expect(fg.taskId).toBeNull();
      expect(bg.taskId).toBe(created.result!.taskId);
      expect(fg.requestId).toBe('fg-1');
      expect(bg.requestId).toBe('bg-1');
      for (const view of [fg, bg]) {
        expect(view.token).toEqual({
          token: alice,
          clientId: 'app',
          sub: 'alice',
          scopes: ['tools:read', 'tools:write'],
        });
        expect(view.headers['x-marker']).toBe('m-1');
        // credentials only when asked for by name
        expect(view.headers).not.toHaveProperty('authorization');
        expect(view.headers).not.toHaveProperty('cookie');
        expect(view.authorization).toBe(`Bearer ${alice}`);
        expect(view.traceparent).toBe(TRACEPARENT);
        expect(view.request).toEqual({
          method: 'POST',
          url: secured.url.href,
          marker: 'm-1',
          authorization: `Bearer ${alice}`,
        });
      }
    });

    it('gives anonymous callers no token and no credentials, in the foreground and in a task', async () => {
      const foreground = await rpc(
        open.url,
        'tools/call',
        { name: 'caller', arguments: {} },
        { declare: false, headers: { 'x-marker': 'anon' } },
      );
      const created = await rpc(
        open.url,
        'tools/call',
        { name: 'caller', arguments: {} },
        { headers: { 'x-marker': 'anon' } },
      );
      const done = await untilStatus(open.url, created.result!.taskId as string, ['completed']);
      for (const view of [viewOf(foreground.result), viewOf(done)]) {
        expect(view.token).toBeNull();
        expect(view.authorization).toBeNull();
        expect(view.headers['x-marker']).toBe('anon');
        expect(view.request?.marker).toBe('anon');
      }
    });

    it('drops a token that expired before a later leg ran, with its authorization header', async () => {
      const shortLived = await issuer.sign({ clientId: 'app', sub: 'alice', expiresIn: 3 });
      // The same user's long-lived token, for everything after creation (polls must not race the expiry).
      const fresh = await issuer.sign({ clientId: 'app', sub: 'alice' });
      const created = await rpc(
        secured.url,
        'tools/call',
        { name: 'caller_after_input', arguments: {} },
        { token: shortLived, headers: { 'x-marker': 'late' } },
      );
      const taskId = created.result!.taskId as string;
      const waiting = await untilStatus(secured.url, taskId, ['input_required'], fresh);
      const [key] = Object.keys(waiting.inputRequests as object);
      await untilRefused(secured.url, shortLived);
      // The same user answers with a fresh token; the task still runs with what was captured at creation.
      const update = await rpc(
        secured.url,
        'tasks/update',
        { taskId, inputResponses: { [key!]: { action: 'accept', content: { ok: true } } } },
        { token: fresh },
      );
      expect(update.error).toBeUndefined();
      const view = viewOf(await untilStatus(secured.url, taskId, ['completed'], fresh));
      expect(view.token).toBeNull();
      expect(view.authorization).toBeNull();
      expect(view.request?.authorization).toBeNull();
      expect(view.headers['x-marker']).toBe('late');
    });
  });

  describe('tasks are bound to their creator', () => {
    it("answers another principal's task exactly like an unknown id, for get, update and cancel", async () => {
      const created = await rpc(
        secured.url,
        'tools/call',
        { name: 'caller_after_input', arguments: {} },
        { token: alice },
      );
      const taskId = created.result!.taskId as string;
      await untilStatus(secured.url, taskId, ['input_required'], alice);
      const unknownId = 'tAAAAAAAAAAAAAAAAAAAAAA';
      const sameClientNoSub = await issuer.sign({ clientId: 'app' });
      for (const method of ['tasks/get', 'tasks/update', 'tasks/cancel']) {
        const params = (id: string) => ({ taskId: id, inputResponses: {} });
        const unknown = await rpc(secured.url, method, params(unknownId), { token: bob });
        for (const intruder of [bob, service, sameClientNoSub]) {
          const foreign = await rpc(secured.url, method, params(taskId), { token: intruder });
          expect(foreign.status, method).toBe(unknown.status);
          expect(foreign.error?.code, method).toBe(-32602);
          expect(foreign.error?.message.replace(taskId, 'ID'), method).toBe(
            unknown.error?.message.replace(unknownId, 'ID'),
          );
        }
      }
      // Alice's task is untouched: still waiting for her input, not cancelled by anyone else.
      const mine = await rpc(secured.url, 'tasks/get', { taskId }, { token: alice });
      expect(mine.result?.status).toBe('input_required');
    });

    it('keeps users of the same client apart: same clientId, different sub', async () => {
      const created = await rpc(secured.url, 'tools/call', { name: 'caller', arguments: {} }, { token: bob });
      const taskId = created.result!.taskId as string;
      const view = viewOf(await untilStatus(secured.url, taskId, ['completed'], bob));
      expect(view.token?.sub).toBe('bob');
      expect((await rpc(secured.url, 'tasks/get', { taskId }, { token: alice })).error?.code).toBe(-32602);
      // A second token for the same user (same clientId and sub) is the same principal.
      const bobAgain = await issuer.sign({ clientId: 'app', sub: 'bob' });
      expect((await rpc(secured.url, 'tasks/get', { taskId }, { token: bobAgain })).result?.status).toBe(
        'completed',
      );
    });
  });
});
