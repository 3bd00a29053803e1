/**
 * Context forwarding across processes: a front end verifies real JWTs and creates tasks; a separate worker process
 * runs them with the caller restored from the (encrypted) snapshot in Redis.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeProcess, startNode, stopAll } from '../distributed.js';
import type { CallerView } from '../fixtures/caller-tools.js';
import { type JwtIssuer, startJwtIssuer } from '../fixtures/jwt-issuer.js';
import { rpc, untilRefused, untilStatus } from '../helpers.js';
import { requireRedis, uniqueName } from '../redis.js';

const enabled = await requireRedis();
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const viewOf = (task: Record<string, unknown>) =>
  (task.result as { structuredContent: CallerView }).structuredContent;

describe.runIf(enabled)('context forwarding to a separate worker process (redis engine)', () => {
  let issuer: JwtIssuer;
  const nodes: NodeProcess[] = [];
  let front: NodeProcess;
  let worker: NodeProcess;
  let openFront: NodeProcess;
  let openWorker: NodeProcess;

  beforeAll(async () => {
    issuer = await startJwtIssuer();
    const key = { TASKMCP_TASKS_ENCRYPTION_KEY: randomBytes(32).toString('base64'), CONCURRENCY: '1' };
    const auth = {
      JWKS_URL: issuer.jwksUrl.href,
      JWT_ISSUER: issuer.issuer,
      JWT_AUDIENCE: issuer.audience,
    };
    const secured = uniqueName('ctxdist');
    const open = uniqueName('ctxopen');
    nodes.push(
      ...(await Promise.all([
        startNode('front', secured, { ...key, ...auth }),
        startNode('worker', secured, { ...key, ...auth }),
        startNode('front', open, key),
        startNode('worker', open, key),
      ])),
    );
    [front, worker, openFront, openWorker] = nodes as [NodeProcess, NodeProcess, NodeProcess, NodeProcess];
  }, 60_000);

  afterAll(async () => {
    await stopAll(nodes);
    await issuer?.close();
  });

  it("runs the task in the worker with the caller's token, headers, request id and HTTP request", async () => {
    const alice = await issuer.sign({ clientId: 'app', sub: 'alice' });
    const created = await rpc(
      front.url!,
      'tools/call',
      { name: 'caller', arguments: {} },
      { token: alice, id: 'dist-1', headers: { 'x-marker': 'from-front', traceparent: TRACEPARENT } },
    );
    const view = viewOf(
      await untilStatus(front.url!, created.result!.taskId as string, ['completed'], alice),
    );
    expect(view.pid).toBe(worker.child.pid);
    expect(view.pid).not.toBe(front.child.pid);
    expect(view).toMatchObject({
      requestId: 'dist-1',
      traceparent: TRACEPARENT,
      token: { token: alice, clientId: 'app', sub: 'alice' },
      authorization: `Bearer ${alice}`,
      request: {
        method: 'POST',
        url: front.url!.href,
        marker: 'from-front',
        authorization: `Bearer ${alice}`,
      },
    });
    expect(view.headers['x-marker']).toBe('from-front');
    expect(view.headers).not.toHaveProperty('authorization');
  });

  it('gives anonymous callers no token in the worker', async () => {
    const created = await rpc(
      openFront.url!,
      'tools/call',
      { name: 'caller', arguments: {} },
      { headers: { 'x-marker': 'anon' } },
    );
    const view = viewOf(await untilStatus(openFront.url!, created.result!.taskId as string, ['completed']));
    expect(view.pid).toBe(openWorker.child.pid);
    expect(view.token).toBeNull();
    expect(view.authorization).toBeNull();
    expect(view.request?.marker).toBe('anon');
  });

  it('drops a token that expired before the worker ran the leg, right after running a valid one', async () => {
    const shortLived = await issuer.sign({ clientId: 'app', sub: 'alice', expiresIn: 3 });
    // The same user's long-lived token, for everything after creation (polls must not race the expiry).
    const fresh = await issuer.sign({ clientId: 'app', sub: 'alice' });
    const created = await rpc(
      front.url!,
      'tools/call',
      { name: 'caller_after_input', arguments: {} },
      { token: shortLived },
    );
    const taskId = created.result!.taskId as string;
    const waiting = await untilStatus(front.url!, taskId, ['input_required'], fresh);
    await untilRefused(front.url!, shortLived);
    // The single-slot worker runs a task with a valid token first: nothing of it may leak into the next leg.
    const valid = await rpc(front.url!, 'tools/call', { name: 'caller', arguments: {} }, { token: fresh });
    expect(
      viewOf(await untilStatus(front.url!, valid.result!.taskId as string, ['completed'], fresh)).token?.sub,
    ).toBe('alice');
    const [key] = Object.keys(waiting.inputRequests as object);
    await rpc(
      front.url!,
      'tasks/update',
      { taskId, inputResponses: { [key!]: { action: 'accept', content: { ok: true } } } },
      { token: fresh },
    );
    const view = viewOf(await untilStatus(front.url!, taskId, ['completed'], fresh));
    expect(view.pid).toBe(worker.child.pid);
    expect(view.token).toBeNull();
    expect(view.authorization).toBeNull();
  });

  it("answers Bob's get, update and cancel of Alice's task like an unknown id; same client, other sub", async () => {
    const alice = await issuer.sign({ clientId: 'app', sub: 'alice' });
    const bob = await issuer.sign({ clientId: 'app', sub: 'bob' });
    const created = await rpc(
      front.url!,
      'tools/call',
      { name: 'caller_after_input', arguments: {} },
      { token: alice },
    );
    const taskId = created.result!.taskId as string;
    await untilStatus(front.url!, taskId, ['input_required'], alice);
    for (const method of ['tasks/get', 'tasks/update', 'tasks/cancel']) {
      const unknown = await rpc(
        front.url!,
        method,
        { taskId: 'tUNKNOWNUNKNOWNUNKNOWN', inputResponses: {} },
        { token: bob },
      );
      const foreign = await rpc(front.url!, method, { taskId, inputResponses: {} }, { token: bob });
      expect(foreign.error?.code, method).toBe(-32602);
      expect(foreign.error?.message.replace(taskId, 'ID')).toBe(
        unknown.error?.message.replace('tUNKNOWNUNKNOWNUNKNOWN', 'ID'),
      );
    }
    expect((await rpc(front.url!, 'tasks/get', { taskId }, { token: alice })).result?.status).toBe(
      'input_required',
    );
  });
});
