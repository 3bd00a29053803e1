/**
 * `taskmcp tasks top`: a live terminal view of the server's tasks, fed by the tasks dashboard's event stream.
 * Draws on the alternate screen and restores the terminal on the way out: `q` quits (exit 0), Ctrl-C exits 130,
 * a stream the server ends exits 3. With `--json` it prints each event as one JSON line instead, for scripts.
 */
import { integerOption, type ParsedValues } from '../args.js';
import { DashboardClient, type DashboardEvent } from '../dashboard-client.js';
import { ExitCode, type ExitCodeValue, usageError } from '../exit-codes.js';
import { onInterrupt } from '../interrupt.js';
import { Output } from '../output.js';
import { frame, TopState } from '../top-view.js';

export const BOARD_OPTIONS = {
  status: { type: 'string' },
  tool: { type: 'string' },
  limit: { type: 'string' },
  'dashboard-path': { type: 'string' },
} as const;

export type BoardValues = ParsedValues<
  typeof BOARD_OPTIONS & {
    json: { type: 'boolean' };
    server: { type: 'string' };
    token: { type: 'string' };
  }
>;

const REDRAW_MS = 100;
const TICK_MS = 1_000;

export async function runTop(values: BoardValues): Promise<ExitCodeValue> {
  const out = new Output(values.json ?? false);
  const client = new DashboardClient({
    server: values.server,
    token: values.token,
    path: values['dashboard-path'],
  });
  const filters = {
    status: values.status,
    tool: values.tool,
    limit: integerOption('limit', values.limit, 100, 1),
  };
  const terminal = process.stdout;
  if (!out.json && !terminal.isTTY) {
    throw usageError(
      'tasks top draws on a terminal: run it in one, use --json for a stream of events, or tasks list.',
    );
  }
  const interrupt = onInterrupt(['SIGINT', 'SIGTERM']);
  const stop = new AbortController();
  interrupt.signal.addEventListener('abort', () => stop.abort(), { once: true });
  const screen = out.json ? undefined : new Screen(terminal, client.base.origin, () => stop.abort());
  try {
    const following = client.follow(
      filters,
      (event: DashboardEvent) => (screen ? screen.apply(event) : out.data(event)),
      stop.signal,
    );
    screen?.open();
    await following;
    return interrupt.signal.aborted ? ExitCode.interrupted : ExitCode.ok;
  } finally {
    screen?.close();
    interrupt.dispose();
  }
}

/** The alternate screen, redrawn on changes (at most every 100 ms) and every second for the elapsed times. */
class Screen {
  private readonly state = new TopState();
  private timer?: NodeJS.Timeout;
  private ticker?: NodeJS.Timeout;
  private opened = false;
  private readonly onKey = (key: Buffer) => {
    const text = key.toString('utf8');
    if (text === 'q' || text === 'Q') this.quit();
    // Raw mode turns Ctrl-C into a byte; make it the signal it would have been.
    else if (text === '\u0003') process.kill(process.pid, 'SIGINT');
  };
  private readonly onResize = () => this.draw();

  constructor(
    private readonly terminal: NodeJS.WriteStream,
    private readonly origin: string,
    private readonly quit: () => void,
  ) {}

  open(): void {
    this.opened = true;
    this.terminal.write('\x1b[?1049h\x1b[?25l');
    const input = process.stdin;
    if (input.isTTY) {
      input.setRawMode(true);
      input.on('data', this.onKey);
      input.resume();
    }
    this.terminal.on('resize', this.onResize);
    this.ticker = setInterval(() => this.draw(), TICK_MS);
    this.draw();
  }

  apply(event: DashboardEvent): void {
    this.state.apply(event);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.draw();
    }, REDRAW_MS);
  }

  close(): void {
    clearTimeout(this.timer);
    clearInterval(this.ticker);
    if (!this.opened) return;
    this.opened = false;
    this.terminal.off('resize', this.onResize);
    const input = process.stdin;
    if (input.isTTY) {
      input.off('data', this.onKey);
      input.setRawMode(false);
      input.pause();
    }
    this.terminal.write('\x1b[?25h\x1b[?1049l');
  }

  private draw(): void {
    if (!this.opened) return;
    const size = { columns: this.terminal.columns ?? 80, rows: this.terminal.rows ?? 24 };
    const lines = frame(this.state, size, this.origin);
    this.terminal.write(`\x1b[H${lines.map((line) => `${line}\x1b[K`).join('\r\n')}\x1b[J`);
  }
}
