/**
 * The live view of a running task on stderr. On a terminal: one line redrawn in place, a bar when the status
 * message carries `(progress/total)` (taskmcp servers write `ctx.reportProgress` that way), the status message
 * beside it. Elsewhere (logs, CI): one plain line per change, so nothing is lost and nothing is garbled.
 */
import type { TaskInfo } from '../client/types.js';
import type { Output } from './output.js';

const BAR_WIDTH = 24;
const FRACTION = /^(.*?)\s*\((\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)\)\s*$/;

export class TaskProgressView {
  private lastLine = '';
  private drawn = false;

  constructor(private readonly out: Output) {}

  update(task: TaskInfo): void {
    const line = this.out.interactive ? barLine(task) : plainLine(task);
    if (line === this.lastLine) return;
    this.lastLine = line;
    const stream = this.out.errorStream;
    if (!this.out.interactive) {
      stream.write(`${line}\n`);
      return;
    }
    const width = Math.max(20, (stream.columns ?? 80) - 1);
    stream.write(`\r\x1b[2K${line.slice(0, width)}`);
    this.drawn = true;
  }

  /** Clear the live line so whatever follows starts on a clean line. */
  end(): void {
    if (this.drawn) this.out.errorStream.write('\r\x1b[2K');
    this.drawn = false;
  }
}

/** `[#######.................]  30% Rendering page 2` */
export function barLine(task: TaskInfo): string {
  const { message, fraction } = splitProgress(task.statusMessage);
  const label = message || task.status;
  if (fraction === undefined) return `[${task.status}] ${label}`;
  const filled = Math.round(fraction * BAR_WIDTH);
  const percent = `${Math.round(fraction * 100)}%`.padStart(4);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${percent} ${label}`;
}

function plainLine(task: TaskInfo): string {
  return `task ${task.taskId} ${task.status}${task.statusMessage ? `: ${task.statusMessage}` : ''}`;
}

export function splitProgress(statusMessage: string | undefined): { message: string; fraction?: number } {
  if (!statusMessage) return { message: '' };
  const match = FRACTION.exec(statusMessage);
  if (!match) return { message: statusMessage };
  const total = Number(match[3]);
  const fraction = total > 0 ? Math.min(1, Math.max(0, Number(match[2]) / total)) : undefined;
  return { message: match[1] ?? '', fraction };
}
