/**
 * A private `redis-server` for the chaos run. The shared Redis on 6379 belongs to the test suite, and one
 * scenario stops Redis on purpose, so the run owns its own server: loopback only, a free port, a temp dir, and
 * AOF with `appendfsync always` (no RDB snapshots), so a graceful restart on the same port and dir keeps every
 * acknowledged write, the way a production Redis with AOF does. `restart()` is SIGTERM, an outage, and a fresh
 * start on the same port and dir.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../bench/servers/free-port.js';
import { sleep, until, withTimeout } from './wait.js';

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 15_000;

/** Whether `redis-server` can be run at all; the message names the binary to install when it cannot. */
export function redisServerVersion(): string {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'redis-server is not on PATH: the chaos suite starts its own private Redis (apt-get install redis-server).',
    );
  }
  return /v=(\S+)/.exec(probe.stdout)?.[1] ?? 'unknown';
}

export class PrivateRedis {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private starts = 0;

  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  /** Start a server on a free loopback port, keeping its data and log in `dir`. */
  static async start(dir: string): Promise<PrivateRedis> {
    const server = new PrivateRedis(await freePort(), dir);
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Pid of the current server process (for the log). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    if (this.running) throw new Error(`The private Redis on port ${this.port} is already running.`);
    this.starts++;
    const log = createWriteStream(join(this.dir, `redis-${this.starts}.out`));
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--protected-mode',
        'yes',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
        '--maxmemory-policy',
        'noeviction',
        '--daemonize',
        'no',
        '--logfile',
        join(this.dir, 'redis.log'),
      ],
      { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const ready = await until(async () => {
      if (!this.running) throw new Error('exited');
      return (await ping(this.port)) === 'PONG';
    }, START_TIMEOUT_MS);
    if (!ready || !this.running) {
      this.kill();
      throw new Error(
        `The private redis-server on port ${this.port} did not answer PING within ${START_TIMEOUT_MS} ms; ` +
          `see ${join(this.dir, 'redis.log')}.`,
      );
    }
  }

  /** Graceful stop (SIGTERM: Redis flushes the AOF and exits); SIGKILL if it takes longer than the timeout. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    child.kill('SIGTERM');
    try {
      await withTimeout(this.exited!, STOP_TIMEOUT_MS, `redis-server (pid ${child.pid}) stopping`);
    } catch {
      child.kill('SIGKILL');
      await this.exited;
    }
  }

  /** Stop gracefully, stay down for `outageMs`, start again on the same port and dir. Returns the real outage. */
  async restart(outageMs: number): Promise<number> {
    await this.stop();
    const down = Date.now();
    await sleep(outageMs); // the outage itself is the scenario's input, not a wait for a condition
    await this.start();
    return Date.now() - down;
  }

  /** Synchronous last resort for exit handlers. */
  kill(): void {
    if (this.running) this.child!.kill('SIGKILL');
  }
}

async function ping(port: number): Promise<string> {
  const redis = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1000,
  });
  redis.on('error', () => {});
  try {
    await withTimeout(redis.connect(), 2000, 'connecting to the private Redis');
    return await withTimeout(redis.ping(), 2000, 'PING');
  } finally {
    redis.disconnect();
  }
}
