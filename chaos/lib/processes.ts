/**
 * Front ends and workers as real processes, started through the `taskmcp` CLI the way an operator runs them
 * (`run … --no-worker` and `worker … --drain`), from the sources with `node --import tsx` so that signals reach
 * the server itself and not a wrapper. Every child is registered here, so the run can kill whatever is left
 * when a scenario ends, fails, or the harness is interrupted; nothing outlives the run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withTimeout } from './wait.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const CLI = [process.execPath, '--import', 'tsx', join(root, 'src/cli/index.ts')];
export const FIXTURE = 'chaos/fixture.ts';
const READY_TIMEOUT_MS = 30_000;
/** How much of a child's output is kept in memory for error messages (the full output is in its log file). */
const TAIL_CHARS = 4000;

/** What the fixture reads from its environment: one deployment of the chaos server. */
export interface Deployment {
  redisUrl: string;
  /** Server name: the namespace of the tasks in Redis, unique per scenario. */
  name: string;
  leaseMs: number;
  maxStalledCount: number;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

export interface Child {
  readonly role: 'front' | 'worker';
  readonly pid: number;
  /** The front end's MCP endpoint. */
  readonly url?: URL;
  readonly startedAt: number;
  readonly exited: Promise<Exit>;
  readonly alive: boolean;
  /** kill -9. */
  kill(): void;
  /** SIGTERM; resolves with the exit (or rejects after `timeoutMs`, leaving the child to the final cleanup). */
  terminate(timeoutMs: number): Promise<Exit>;
  tail(): string;
}

const children = new Set<ChildProcess>();

/** SIGKILL every child still running (synchronous, so it also works from an exit handler). */
export function killAllChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** SIGKILL every child and wait (bounded) until they are gone. */
export async function reapAllChildren(timeoutMs = 10_000): Promise<void> {
  const pending = [...children].filter((child) => child.exitCode === null && child.signalCode === null);
  killAllChildren();
  await withTimeout(
    Promise.all(pending.map((child) => new Promise((resolve) => child.once('exit', resolve)))),
    timeoutMs,
    'stopping the child processes',
  ).catch(() => {});
}

let logDir = join(root, 'chaos/results/logs');
let serial = 0;

/** Where the children's output goes (one file per process). */
export function setLogDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  logDir = dir;
}

function spawnCli(
  role: 'front' | 'worker',
  args: string[],
  deployment: Deployment,
): { child: ChildProcess; waitFor: (pattern: RegExp) => Promise<RegExpExecArray>; tail: () => string } {
  const [command, ...prefix] = CLI;
  const child = spawn(command!, [...prefix, ...args], {
    cwd: root,
    env: {
      ...process.env,
      TASKMCP_LOG_LEVEL: 'warning',
      CHAOS_REDIS_URL: deployment.redisUrl,
      CHAOS_SERVER_NAME: deployment.name,
      CHAOS_LEASE_MS: String(deployment.leaseMs),
      CHAOS_MAX_STALLED: String(deployment.maxStalledCount),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(join(logDir, `${deployment.name}-${role}-${++serial}.log`));
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    log.write(chunk);
    output = (output + chunk.toString()).slice(-TAIL_CHARS);
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  child.once('exit', () => log.end());
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(output);
        if (match) finish(() => resolve(match));
      };
      const onExit = () =>
        finish(() => reject(new Error(`${role} exited before it was ready:\n${output.slice(-1500)}`)));
      const timer = setTimeout(
        () => finish(() => reject(new Error(`${role} not ready within ${READY_TIMEOUT_MS} ms.`))),
        READY_TIMEOUT_MS,
      );
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        child.off('exit', onExit);
        settle();
      };
      listeners.add(check);
      child.once('exit', onExit);
      check();
    });
  return { child, waitFor, tail: () => output };
}

function handle(
  role: 'front' | 'worker',
  child: ChildProcess,
  tail: () => string,
  startedAt: number,
  url?: URL,
): Child {
  const exited = new Promise<Exit>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode, at: Date.now() });
    } else child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() }));
  });
  return {
    role,
    pid: child.pid!,
    url,
    startedAt,
    exited,
    get alive() {
      return child.exitCode === null && child.signalCode === null;
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    terminate: (timeoutMs) => {
      child.kill('SIGTERM');
      return withTimeout(exited, timeoutMs, `${role} ${child.pid} exiting after SIGTERM`);
    },
    tail,
  };
}

/** `taskmcp run chaos/fixture.ts --transport http --port 0 --no-worker`; resolves once it printed its URL. */
export async function startFrontEnd(deployment: Deployment): Promise<Child> {
  const startedAt = Date.now();
  const { child, waitFor, tail } = spawnCli(
    'front',
    ['run', FIXTURE, '--transport', 'http', '--port', '0', '--no-worker', '--drain', '0'],
    deployment,
  );
  try {
    const [, url] = await waitFor(/^(http:\/\/\S+)$/m);
    return handle('front', child, tail, startedAt, new URL(url!));
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

/** `taskmcp worker chaos/fixture.ts --concurrency n --drain ms`; resolves once it announced itself ready. */
export async function startWorker(
  deployment: Deployment,
  options: { concurrency: number; drainMs: number },
): Promise<Child> {
  const startedAt = Date.now();
  const { child, waitFor, tail } = spawnCli(
    'worker',
    ['worker', FIXTURE, '--concurrency', String(options.concurrency), '--drain', String(options.drainMs)],
    deployment,
  );
  try {
    await waitFor(/worker ready .*pid \d+/);
    return handle('worker', child, tail, startedAt);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}
