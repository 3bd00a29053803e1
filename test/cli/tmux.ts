/**
 * A private tmux server for terminal tests (so a command's stderr is a real TTY): never touches the user's
 * sessions. Missing tmux skips the test on a developer machine and fails it under CI=true.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { eventually } from '../helpers.js';
import { root } from './cli.js';

const run = promisify(execFile);

export function tmuxAvailable(what: string): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v tmux'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI === 'true') throw new Error(`tmux is missing and CI=true: ${what} must run in CI.`);
    console.warn(`tmux is not installed: skipping ${what}.`);
    return false;
  }
}

/** A word quoted for `bash -c`. */
export const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;

/** One pane running `command` (words) from the repository root, then printing `EXIT=<code>`. */
export function terminal(session: string) {
  const socket = `taskmcp-${session}-${randomBytes(4).toString('hex')}`;
  const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args]);
  const screen = async () => (await tmux('capture-pane', '-p', '-t', session)).stdout;
  return {
    tmux,
    screen,
    /** Wait until the screen satisfies `check`, and return its text. */
    until: (check: (text: string) => boolean, timeoutMs = 20_000) =>
      eventually(
        async () => {
          const text = await screen();
          return check(text) ? text : undefined;
        },
        timeoutMs,
        100,
      ),
    /** Start `command` in a `width`×`height` pane; bash prints the exit code after it (also after a Ctrl-C). */
    start: (command: string[], size: { width: number; height: number }, before = '') =>
      tmux(
        'new-session',
        '-d',
        '-s',
        session,
        '-x',
        String(size.width),
        '-y',
        String(size.height),
        'bash',
        '-c',
        `cd ${quote(root)} && ${before}${command.map(quote).join(' ')}; echo "EXIT=$?"; sleep 60`,
      ),
    close: () => tmux('kill-server').catch(() => {}),
  };
}
