/** Spawning the processes of a distributed deployment for tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import type { TaskMCP } from 'taskmcp';
import { RedisTaskEngine } from 'taskmcp/redis';
import { type Running, startCli, stopAll as stopCli } from './cli/cli.js';
import { REDIS_URL, TEST_PREFIX } from './redis.js';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface NodeProcess {
  child: ChildProcess;
  /** The HTTP endpoint of a front end. */
  url?: URL;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stderr: () => string;
}

export async function startNode(
  role: 'front' | 'worker' | 'both',
  serverName: string,
  env: Record<string, string> = {},
): Promise<NodeProcess> {
  // `node --import tsx` keeps one process (the tsx CLI would add a parent), so signals reach the server itself.
  const child = spawn(process.execPath, ['--import', 'tsx', `${root}test/fixtures/redis-node.ts`], {
    cwd: root,
    env: { ...process.env, ROLE: role, SERVER_NAME: serverName, REDIS_URL, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /ready (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) =>
      reject(new Error(`${role} exited with ${code} before it was ready:\n${stderr}`)),
    );
  });
  return { child, url: ready === 'worker' ? undefined : new URL(ready), exited, stderr: () => stderr };
}

export async function stopAll(nodes: NodeProcess[]): Promise<void> {
  await Promise.all(
    nodes.map(async (node) => {
      if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill('SIGKILL');
      await node.exited;
    }),
  );
}

/** What handlers in other processes recorded under `label`. */
export async function observed(serverName: string, label: string): Promise<Array<Record<string, unknown>>> {
  const redis = new Redis(REDIS_URL);
  try {
    const values = await redis.lrange(`${TEST_PREFIX}:obs:${serverName}:${label}`, 0, -1);
    return values.map((value) => JSON.parse(value) as Record<string, unknown>);
  } finally {
    redis.disconnect();
  }
}

/** A front end in this test's process and a `taskmcp worker` process running its tasks, on the test Redis. */
export interface FrontAndWorker {
  front: TaskMCP;
  url: URL;
  worker: Running;
  workerPid: number;
  close(): Promise<void>;
}

/**
 * Start a `taskmcp worker` process on `workerModule` (a test fixture exporting the server under `name`) and a front
 * end built by `makeFront` on the same Redis engine, with no worker of its own, so every leg runs in the worker.
 */
export async function startFrontAndWorker(options: {
  name: string;
  workerModule: string;
  makeFront: (engine: RedisTaskEngine) => TaskMCP;
  concurrency?: number;
  env?: Record<string, string>;
}): Promise<FrontAndWorker> {
  const { name } = options;
  const worker = startCli(
    ['worker', options.workerModule, '--concurrency', String(options.concurrency ?? 2)],
    {
      TASKMCP_TASKS_URL: REDIS_URL,
      TASKMCP_TASKS_PREFIX: TEST_PREFIX,
      CLI_SERVER_NAME: name,
      ...options.env,
    },
  );
  const front = options.makeFront(new RedisTaskEngine({ url: REDIS_URL, name, prefix: TEST_PREFIX }));
  const close = async () => {
    await front.close();
    await stopCli([worker]);
  };
  try {
    const [running, ready] = await Promise.all([
      front.run({ transport: 'http', port: 0, worker: false }),
      worker.waitFor(/worker ready .*pid (\d+)/),
    ]);
    return { front, url: running.url!, worker, workerPid: Number(ready[1]), close };
  } catch (error) {
    await close();
    throw error;
  }
}
