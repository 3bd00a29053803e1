/**
 * The tasks dashboard's JSON API and live stream, on both engines: who sees what (admin, each principal, nobody
 * else), what a task's detail shows and never shows, cancelling, and the stream feeding the page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineCases } from '../engines.js';
import { eventually } from '../helpers.js';
import {
  ADMIN_TOKEN,
  ALICE,
  ALICE_TOKEN,
  api,
  BOB,
  BOB_TOKEN,
  type Deployment,
  deploy,
  readStream,
} from './fixture.js';

type Summary = { taskId: string; status: string; owner?: string; toolName: string; statusMessage?: string };

describe.each(engineCases)('tasks dashboard API ($name engine)', ({ name }) => {
  let deployment: Deployment;

  beforeAll(async () => {
    deployment = await deploy(name);
  });
  afterAll(() => deployment.close());

  const tasksOf = (body: Record<string, unknown>) => body.tasks as Summary[];

  it('refuses requests without the admin token or a token the server accepts', async () => {
    const { board } = deployment;
    expect((await api(board, 'tasks')).status).toBe(401);
    expect((await api(board, 'tasks', 'not-a-token-anyone-issued')).status).toBe(401);
    expect((await api(board, 'tasks', `${ADMIN_TOKEN}x`)).status).toBe(401);
    expect((await api(board, 'events')).status).toBe(401);
    expect((await api(board, 'tasks?status=sleeping', ADMIN_TOKEN)).status).toBe(400);
    expect((await api(board, 'tasks?limit=0', ADMIN_TOKEN)).status).toBe(400);
  });

  it('shows the admin every principal with owners, and each user only their own tasks without owners', async () => {
    const alice = await deployment.client(ALICE_TOKEN);
    const bob = await deployment.client(BOB_TOKEN);
    const mine = await alice.callToolTask('sync_inventory');
    const theirs = await bob.callToolTask('export_table', { table: 'orders' });
    await eventually(async () => (await bob.getTask(theirs.id!)).status === 'failed');

    const admin = tasksOf((await api(deployment.board, 'tasks', ADMIN_TOKEN)).body);
    expect(admin.find((task) => task.taskId === mine.id)).toMatchObject({
      owner: ALICE,
      toolName: 'sync_inventory',
    });
    expect(admin.find((task) => task.taskId === theirs.id)).toMatchObject({ owner: BOB, status: 'failed' });

    const asAlice = await api(deployment.board, 'tasks', ALICE_TOKEN);
    expect(asAlice.body.viewer).toEqual({ admin: false });
    expect(asAlice.body.queueDepth).toBeUndefined();
    expect(tasksOf(asAlice.body).map((task) => task.taskId)).toContain(mine.id);
    expect(tasksOf(asAlice.body).map((task) => task.taskId)).not.toContain(theirs.id);
    expect(tasksOf(asAlice.body).every((task) => task.owner === undefined)).toBe(true);

    // Filters by status and tool, on the server.
    const failed = tasksOf((await api(deployment.board, 'tasks?status=failed', ADMIN_TOKEN)).body);
    expect(failed.map((task) => task.taskId)).toContain(theirs.id);
    expect(failed.every((task) => task.status === 'failed')).toBe(true);
    const byTool = tasksOf((await api(deployment.board, 'tasks?tool=sync_inventory', ADMIN_TOKEN)).body);
    expect(byTool.length).toBeGreaterThan(0);
    expect(byTool.every((task) => task.toolName === 'sync_inventory')).toBe(true);

    // Another principal's task is "not found", to read and to cancel, exactly like an unknown id.
    expect((await api(deployment.board, `tasks/${theirs.id}`, ALICE_TOKEN)).status).toBe(404);
    const cancel = await api(deployment.board, `tasks/${mine.id}/cancel`, BOB_TOKEN, { method: 'POST' });
    expect(cancel.status).toBe(404);
    expect((await alice.getTask(mine.id!)).status).toBe('working');
    expect((await api(deployment.board, 'tasks/no-such-task', ADMIN_TOKEN)).status).toBe(404);
    await alice.cancelTask(mine.id!);
  });

  it("shows a task's arguments and result, and nothing of its caller's token or headers", async () => {
    const secretHeader = 'hunter2-header-value-that-must-not-leak';
    const alice = await deployment.client(ALICE_TOKEN, { 'x-api-key': secretHeader });
    const handle = await alice.callToolTask('build_report', { title: 'Q3', key: 'detail', stages: 1 });
    deployment.gates.open('detail');
    await eventually(async () => (await alice.getTask(handle.id!)).status === 'completed');

    const seen: string[] = [];
    for (const token of [ADMIN_TOKEN, ALICE_TOKEN]) {
      const detail = await api(deployment.board, `tasks/${handle.id}`, token);
      expect(detail.status).toBe(200);
      expect(detail.body.task).toMatchObject({
        taskId: handle.id,
        toolName: 'build_report',
        status: 'completed',
        args: { title: 'Q3', key: 'detail', stages: 1 },
        result: { structuredContent: { title: 'Q3', pages: 1 } },
        attempt: 1,
        maxAttempts: 1,
      });
      seen.push(detail.text, (await api(deployment.board, 'tasks', token)).text);
      const stream = await readStream(deployment.board, token, (events) => events.length > 0);
      seen.push(stream.raw);
    }
    expect((JSON.parse(seen[0]!) as { task: Summary }).task.owner).toBe(ALICE);
    for (const text of seen) {
      expect(text).not.toContain(ALICE_TOKEN);
      expect(text).not.toContain(secretHeader);
      expect(text).not.toMatch(/authorization|x-api-key|requestState|progressToken|inputResponses/i);
    }
  });

  it('cancels a task from the API; MCP then reports it cancelled', async () => {
    const alice = await deployment.client(ALICE_TOKEN);
    const handle = await alice.callToolTask('sync_inventory');
    await eventually(async () => (await alice.getTask(handle.id!)).statusMessage === 'Holding (1/4)');
    expect((await api(deployment.board, `tasks/${handle.id}/cancel`, ALICE_TOKEN)).status).toBe(405);
    const cancelled = await api(deployment.board, `tasks/${handle.id}/cancel`, ADMIN_TOKEN, {
      method: 'POST',
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.task).toMatchObject({ taskId: handle.id, status: 'cancelled', owner: ALICE });
    expect((await alice.getTask(handle.id!)).status).toBe('cancelled');
    // Idempotent, like tasks/cancel.
    const again = await api(deployment.board, `tasks/${handle.id}/cancel`, ALICE_TOKEN, { method: 'POST' });
    expect(again.body.task).toMatchObject({ status: 'cancelled' });
  });

  it('streams a snapshot, then each change the viewer may see, as it happens', async () => {
    const alice = await deployment.client(ALICE_TOKEN);
    const bob = await deployment.client(BOB_TOKEN);
    let mine = '';
    let theirs = '';
    const changesOf = (events: { type: string; data: Record<string, unknown> }[], taskId: string) =>
      events
        .filter((event) => event.type === 'task' && event.data.taskId === taskId)
        .map((event) => event.data);
    const released = new Set<string>();
    // Each stage is released only once the stream showed the one before: nothing is coalesced away unseen.
    const stream = readStream(
      deployment.board,
      ALICE_TOKEN,
      (events) => {
        const changes = changesOf(events, mine);
        for (const message of ['Rendering page 1 (0/2)', 'Rendering page 2 (1/2)']) {
          if (!released.has(message) && changes.some((task) => task.statusMessage === message)) {
            released.add(message);
            deployment.gates.open('alice');
          }
        }
        return changes.some((task) => task.status === 'completed');
      },
      {
        onOpen: async () => {
          // Bob's task ends before Alice's starts: had it been sent to Alice, it would be in her stream by now.
          theirs = (await bob.callToolTask('build_report', { title: 'bob', key: 'bob', stages: 1 })).id!;
          deployment.gates.open('bob');
          await eventually(async () => (await bob.getTask(theirs)).status === 'completed');
          mine = (await alice.callToolTask('build_report', { title: 'alice', key: 'alice', stages: 2 })).id!;
        },
      },
    );
    const { events } = await stream;
    expect(events[0]).toMatchObject({ type: 'snapshot', data: { viewer: { admin: false } } });
    const changes = changesOf(events, mine);
    expect(changes.map((task) => task.statusMessage)).toContain('Rendering page 2 (1/2)');
    expect(changes.at(-1)).toMatchObject({ status: 'completed', toolName: 'build_report' });
    expect(changes.every((task) => task.owner === undefined)).toBe(true);
    expect(changesOf(events, theirs)).toEqual([]);
  });
});
