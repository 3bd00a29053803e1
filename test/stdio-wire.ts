/**
 * A raw 2026-07-28 stdio connection for tests: spawn a server module as a real subprocess and exchange JSON-RPC
 * messages with it line by line, every request carrying the per-request envelope.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MODERN, TASKS } from './helpers.js';
import type { WireMessage } from './listen.js';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface StdioWire {
  /** Send a request with the envelope (declaring the tasks extension unless `declare: false`); returns its id. */
  request(
    method: string,
    params?: Record<string, unknown>,
    options?: { id?: string | number; declare?: boolean },
  ): string | number;
  /** Send a notification as is. */
  notify(method: string, params: Record<string, unknown>): void;
  /** A request's response. */
  call(method: string, params?: Record<string, unknown>): Promise<WireMessage>;
  /** The next message the server sent that `matches`, in order; earlier non-matching ones stay readable. */
  next(matches: (message: WireMessage) => boolean): Promise<WireMessage>;
  /** Every message the server sent so far. */
  readonly seen: readonly WireMessage[];
  close(): Promise<void>;
}

let nextId = 1;

export function spawnStdio(fixture: string): StdioWire {
  const child: ChildProcessWithoutNullStreams = spawn(
    `${root}node_modules/.bin/tsx`,
    [`${root}test/fixtures/${fixture}`],
    { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  child.stderr.resume();
  const seen: WireMessage[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.trim()) return;
    seen.push(JSON.parse(line) as WireMessage);
    for (const wake of waiters) wake();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  /** Messages a `next` already returned. */
  const taken = new Set<number>();
  const write = (message: Record<string, unknown>) => child.stdin.write(`${JSON.stringify(message)}\n`);
  const next = (matches: (message: WireMessage) => boolean) =>
    new Promise<WireMessage>((resolve, reject) => {
      const look = () => {
        const index = seen.findIndex((message, at) => !taken.has(at) && matches(message));
        if (index >= 0) {
          taken.add(index);
          waiters.delete(look);
          resolve(seen[index]!);
        }
      };
      waiters.add(look);
      look();
      void exited.then(() => {
        if (waiters.delete(look)) reject(new Error('The stdio server exited before the awaited message.'));
      });
    });
  const request: StdioWire['request'] = (method, params = {}, options = {}) => {
    const id = options.id ?? nextId++;
    write({
      jsonrpc: '2.0',
      id,
      method,
      params: {
        ...params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': MODERN,
          'io.modelcontextprotocol/clientInfo': { name: 'raw-stdio', version: '1' },
          'io.modelcontextprotocol/clientCapabilities':
            options.declare === false
              ? { elicitation: {} }
              : { elicitation: {}, extensions: { [TASKS]: {} } },
        },
      },
    });
    return id;
  };
  return {
    request,
    notify: (method, params) => write({ jsonrpc: '2.0', method, params }),
    async call(method, params) {
      const id = request(method, params);
      return next((message) => message.id === id && message.method === undefined);
    },
    next,
    seen,
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}
