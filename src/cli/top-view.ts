/**
 * The screen of `taskmcp tasks top`: a header with the counts, the active tasks (working, waiting for input) with
 * their progress, and the tasks that ended most recently. Built from the dashboard's stream; `frame` is a pure
 * function of the state, the clock and the terminal size.
 */
import type { TaskSummary } from '../dashboard/views.js';
import type { DashboardEvent } from './dashboard-client.js';
import { isActive, oneLine, table, taskColumns } from './task-table.js';

/** Ended tasks kept in memory; the screen shows as many as fit. */
const KEEP_ENDED = 100;

export class TopState {
  readonly tasks = new Map<string, TaskSummary>();
  admin = false;
  queueDepth?: number;
  /** Server clock minus local clock. */
  skew = 0;

  apply(event: DashboardEvent): void {
    switch (event.type) {
      case 'snapshot':
        this.tasks.clear();
        this.admin = event.data.viewer.admin;
        for (const task of event.data.tasks) this.upsert(task);
        this.clock(event.data);
        break;
      case 'task':
        this.upsert(event.data);
        break;
      case 'stats':
        this.clock(event.data);
        break;
      default:
        break;
    }
  }

  get now(): number {
    return Date.now() + this.skew;
  }

  private clock(data: { now: number; queueDepth?: number }): void {
    this.skew = data.now - Date.now();
    this.queueDepth = data.queueDepth;
  }

  private upsert(task: TaskSummary): void {
    const known = this.tasks.get(task.taskId);
    if (known && known.lastUpdatedAt > task.lastUpdatedAt) return;
    this.tasks.set(task.taskId, task);
    const ended = [...this.tasks.values()].filter((each) => !isActive(each));
    if (ended.length > KEEP_ENDED) {
      ended.sort((a, b) => a.lastUpdatedAt - b.lastUpdatedAt);
      for (const old of ended.slice(0, ended.length - KEEP_ENDED)) this.tasks.delete(old.taskId);
    }
  }
}

export interface FrameSize {
  columns: number;
  rows: number;
}

export function frame(state: TopState, size: FrameSize, origin: string, now = state.now): string[] {
  const all = [...state.tasks.values()];
  const active = all.filter(isActive).sort((a, b) => a.createdAt - b.createdAt);
  const ended = all.filter((task) => !isActive(task)).sort((a, b) => b.lastUpdatedAt - a.lastUpdatedAt);
  const count = (status: string) => all.filter((task) => task.status === status).length;
  const counts = [
    `${count('working')} working`,
    `${count('input_required')} waiting for input`,
    ...(state.queueDepth === undefined ? [] : [`${state.queueDepth} queued`]),
    `${ended.length} ended`,
  ].join(' · ');
  const clock = new Date(now).toLocaleTimeString('en-GB', { hour12: false });
  const lines = [
    `taskmcp tasks top  ${origin}  ${state.admin ? 'admin view' : 'your tasks'}  ${clock}`,
    `${counts}    (q quits)`,
    '',
  ];
  const columns = taskColumns(now, state.admin, 12);
  // Rows left for tasks once the titles and the two table headers are drawn; ended tasks get a third at most.
  const room = Math.max(2, size.rows - lines.length - 5);
  const endedRoom = Math.min(ended.length, Math.floor(room / 3));
  const shownActive = active.slice(
    0,
    Math.max(1, room - endedRoom - (active.length > room - endedRoom ? 1 : 0)),
  );
  lines.push(`ACTIVE (${active.length})`);
  if (active.length === 0) lines.push('  nothing queued or running');
  else lines.push(...table(shownActive, columns).map((line) => `  ${line}`));
  if (shownActive.length < active.length) lines.push(`  … ${active.length - shownActive.length} more`);
  lines.push('', 'RECENTLY ENDED');
  const left = Math.max(1, size.rows - lines.length - 1);
  if (ended.length === 0) lines.push('  none yet');
  else lines.push(...table(ended.slice(0, left), columns).map((line) => `  ${line}`));
  return lines.slice(0, size.rows).map((line) => clip(oneLine(line), size.columns));
}

function clip(line: string, columns: number): string {
  return line.length <= columns ? line : `${line.slice(0, Math.max(0, columns - 1))}…`;
}
