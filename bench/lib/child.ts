/**
 * Servers and workers under test run in their own processes (as they would in production, and so the load
 * generator does not share their event loop). Parent and child talk over the fork IPC channel:
 * the child announces itself, then answers requests (`memory`, `go`, `stop`) by id.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface ChildMessage {
  type: string;
  id?: number;
  [key: string]: unknown;
}

export interface MemorySample {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

export interface ChildHandle {
  readonly pid: number;
  /** Set when the child serves HTTP. */
  readonly url?: URL;
  request<T extends ChildMessage = ChildMessage>(type: string, payload?: Record<string, unknown>): Promise<T>;
  /** The child's memory usage after a forced GC. */
  memory(): Promise<MemorySample>;
  /** CPU seconds (user + system) the child has used so far; NaN where /proc is not available. */
  cpuSeconds(): number;
  /** Ask the child to close cleanly (so a `--cpu-prof` profile is written), then wait for it to exit. */
  stop(): Promise<void>;
  /** `kill -9` the child (no clean-up, as in a crash), then wait for it to exit; a no-op once it has exited. */
  kill(): Promise<void>;
}

/** Where `--cpu-prof` writes profiles when profiling is on (`BENCH_PROFILE_DIR`). */
export function profileDir(): string | undefined {
  return process.env.BENCH_PROFILE_DIR || undefined;
}

const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time of a process from /proc (Linux). Busy CPU per request is the robust cost measure on a machine shared
 * with other jobs: it does not shrink when the process gets less CPU, the way throughput does.
 */
export function processCpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

export async function startChild(script: string, env: Record<string, string> = {}): Promise<ChildHandle> {
  const profiles = profileDir();
  const child: ChildProcess = fork(fileURLToPath(new URL(`../${script}`, import.meta.url)), [], {
    cwd: repoRoot,
    execArgv: [
      '--import',
      'tsx',
      '--expose-gc',
      ...(profiles ? ['--cpu-prof', `--cpu-prof-dir=${profiles}`] : []),
    ],
    env: { ...process.env, TASKMCP_LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (profiles) console.log(`  [profile] ${script} is pid ${child.pid}`);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  const ready = await new Promise<ChildMessage>((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`${script} exited (${code}) before it was ready.`));
    child.once('exit', onExit);
    child.once('message', (message: ChildMessage) => {
      child.off('exit', onExit);
      resolve(message);
    });
  });
  let nextId = 1;
  const pending = new Map<number, (message: ChildMessage) => void>();
  child.on('message', (message: ChildMessage) => {
    if (message.id !== undefined) pending.get(message.id)?.(message);
  });
  const request = <T extends ChildMessage>(
    type: string,
    payload: Record<string, unknown> = {},
  ): Promise<T> => {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, (message) => {
        pending.delete(id);
        if (typeof message.error === 'string') reject(new Error(message.error));
        else resolve(message as T);
      });
      child.send({ type, id, ...payload });
    });
  };
  return {
    pid: child.pid!,
    url: typeof ready.url === 'string' ? new URL(ready.url) : undefined,
    request,
    async memory() {
      const reply = await request<ChildMessage & MemorySample>('memory');
      return {
        rss: reply.rss,
        heapUsed: reply.heapUsed,
        external: reply.external,
        arrayBuffers: reply.arrayBuffers,
      };
    },
    cpuSeconds: () => processCpuSeconds(child.pid!),
    async stop() {
      if (running() && child.connected) child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (running()) child.kill('SIGKILL');
      await exited;
    },
  };
}
