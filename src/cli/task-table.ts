/**
 * Text forms of dashboard task summaries shared by `tasks list` and `tasks top`: aligned columns, a progress bar
 * from the task's reported progress, and short elapsed times. Pure functions, so the views are easy to test.
 */
import type { TaskSummary } from '../dashboard/views.js';

const ACTIVE = new Set(['working', 'input_required']);

export function isActive(task: TaskSummary): boolean {
  return ACTIVE.has(task.status);
}

/** Time from creation to now (still running) or to the last change (ended). */
export function elapsed(task: TaskSummary, now: number): string {
  return duration((isActive(task) ? now : task.lastUpdatedAt) - task.createdAt);
}

export function duration(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** Share of the work done, when the task reported a total (a completed task is done). */
export function fractionOf(task: TaskSummary): number | undefined {
  if (task.status === 'completed') return 1;
  const progress = task.progress;
  if (!progress?.total) return undefined;
  return Math.max(0, Math.min(1, progress.progress / progress.total));
}

/** `[######......]  50%`, or `-` when the task reported no total. */
export function progressBar(task: TaskSummary, width = 12): string {
  const fraction = fractionOf(task);
  if (fraction === undefined) return '-';
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${`${Math.round(fraction * 100)}%`.padStart(4)}`;
}

export interface Column {
  header: string;
  value: (task: TaskSummary) => string;
  /** The last column is never padded. */
  width?: number;
}

/** Rows of `tasks` under `columns`, padded to the widest value (or the column's fixed width). */
export function table(tasks: TaskSummary[], columns: Column[], header = true): string[] {
  const cells = tasks.map((task) => columns.map((column) => column.value(task)));
  const widths = columns.map(
    (column, index) =>
      column.width ?? Math.max(header ? column.header.length : 0, ...cells.map((row) => row[index]!.length)),
  );
  const line = (row: string[]) =>
    row
      .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index]!)))
      .join('  ')
      .trimEnd();
  const rows = cells.map(line);
  return header ? [line(columns.map((column) => column.header)), ...rows] : rows;
}

/** The columns of a task listing; the owner only when the viewer is the admin. */
export function taskColumns(now: number, admin: boolean, idWidth?: number): Column[] {
  const columns: Column[] = [
    { header: 'TASK', value: (task) => (idWidth ? task.taskId.slice(0, idWidth) : task.taskId) },
    { header: 'TOOL', value: (task) => task.toolName },
    { header: 'STATUS', value: (task) => task.status },
    { header: 'PROGRESS', value: (task) => progressBar(task) },
    { header: 'ELAPSED', value: (task) => elapsed(task, now) },
  ];
  if (admin) columns.push({ header: 'OWNER', value: (task) => task.owner ?? '' });
  columns.push({ header: 'MESSAGE', value: (task) => oneLine(task.statusMessage ?? '') });
  return columns;
}

/** Control characters out: a status message must not move the cursor or recolour the terminal. */
export function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}
