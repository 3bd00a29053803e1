/** Running the `taskmcp` CLI as a real subprocess, the way a shell or a script does. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const CLI_SERVER = 'test/fixtures/cli-server.ts';
/** The CLI from its sources (`node --import tsx`: one process, so signals reach it directly). */
export const CLI_COMMAND = [process.execPath, '--import', 'tsx', `${root}src/cli/index.ts`];

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<Finished>;
  /** Resolves with the first stdout or stderr text matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

export function startCli(args: string[], env: Record<string, string> = {}): Running {
  const [command, ...prefix] = CLI_COMMAND;
  const child = spawn(command!, [...prefix, ...args], {
    cwd: root,
    env: { ...process.env, TASKMCP_LOG_LEVEL: 'warning', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const onData = () => {
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', (chunk) => {
    stdout += chunk;
    onData();
  });
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
    onData();
  });
  const exited = new Promise<Finished>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
  const waitFor = (pattern: RegExp, timeoutMs = 45_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(stdout) ?? pattern.exec(stderr);
        if (!match) return;
        cleanup();
        resolve(match);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`No ${pattern} within ${timeoutMs} ms.\nstdout: ${stdout}\nstderr: ${stderr}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      void exited.then(() => {
        check();
        if (listeners.has(check)) {
          cleanup();
          reject(new Error(`Exited before ${pattern}.\nstdout: ${stdout}\nstderr: ${stderr}`));
        }
      });
      check();
    });
  return { child, stdout: () => stdout, stderr: () => stderr, exited, waitFor };
}

/** Run one CLI command to its end. */
export function cli(args: string[], env: Record<string, string> = {}): Promise<Finished> {
  return startCli(args, env).exited;
}

/**
 * Stop long-running CLI processes that a test left behind: SIGTERM first, so `taskmcp dev` can stop the processes it
 * started, then SIGKILL for anything still up after a grace period.
 */
export async function stopAll(processes: Running[]): Promise<void> {
  await Promise.all(
    processes.map(async (running) => {
      const { child } = running;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await new Promise((resolve) => child.once('exit', resolve));
      clearTimeout(timer);
    }),
  );
}
