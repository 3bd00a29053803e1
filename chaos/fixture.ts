/**
 * The server module every chaos process loads (front ends with `taskmcp run … --no-worker`, workers with
 * `taskmcp worker …`). Its tools do nothing but wait and compute a result the harness can check independently
 * (sha256 of the seed), and they write every start, end and abort to the execution journal (lib/journal.ts), so
 * the harness can tell who ran what, how often, and whether a run that had already returned ran again.
 *
 * Configured by environment, set by lib/processes.ts: CHAOS_REDIS_URL (the private Redis), CHAOS_SERVER_NAME
 * (the namespace, unique per scenario), CHAOS_LEASE_MS and CHAOS_MAX_STALLED (the engine's crash recovery:
 * small, so recovery is measured in seconds rather than the default 30 s lease).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { TaskMCP } from 'taskmcp';
import { RedisTaskEngine } from 'taskmcp/redis';
import { z } from 'zod';
import { digestOf } from './lib/expected.js';
import {
  executionsKey,
  type JournalEntry,
  type JournalKind,
  journalKey,
  patientRedis,
} from './lib/journal.js';

function setting(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`chaos/fixture.ts needs ${name} (it is started by chaos/run.ts).`);
  return value;
}

const url = setting('CHAOS_REDIS_URL');
const name = setting('CHAOS_SERVER_NAME');

const server = new TaskMCP({
  name,
  version: '1.0.0',
  tasks: {
    engine: new RedisTaskEngine({
      url,
      name,
      leaseMs: Number(setting('CHAOS_LEASE_MS')),
      maxStalledCount: Number(setting('CHAOS_MAX_STALLED')),
      concurrency: 4,
    }),
  },
});

/** The journal's own connection: it waits out a Redis outage rather than failing the handler. */
const journal = patientRedis(url);

async function record(kind: JournalKind, seed: string, taskId: string | undefined): Promise<void> {
  const entry: JournalEntry = { kind, seed, taskId: taskId ?? '', pid: process.pid, at: Date.now() };
  const line = JSON.stringify(entry);
  await journal.multi().rpush(journalKey(name), line).rpush(executionsKey(name, seed), line).exec();
}

const input = z.object({ seed: z.string().min(1), ms: z.number().int().min(0).max(600_000) });
const task = { mode: 'required', pollIntervalMs: 100, ttlMs: 60 * 60_000 } as const;

server.tool(
  {
    name: 'digest',
    description: 'Waits `ms` (stopping when its signal fires), then returns sha256(seed).',
    input,
    task,
  },
  async ({ seed, ms }, ctx) => {
    await record('start', seed, ctx.taskId);
    try {
      await sleep(ms, undefined, { signal: ctx.signal });
    } catch (error) {
      await record('abort', seed, ctx.taskId);
      throw error;
    }
    await record('end', seed, ctx.taskId);
    return { seed, digest: digestOf(seed) };
  },
);

server.tool(
  {
    name: 'stubborn_digest',
    description: 'Like digest, but ignores its signal: it always waits the full `ms`.',
    input,
    task,
  },
  async ({ seed, ms }, ctx) => {
    await record('start', seed, ctx.taskId);
    await sleep(ms);
    await record('end', seed, ctx.taskId);
    return { seed, digest: digestOf(seed) };
  },
);

export default server;
