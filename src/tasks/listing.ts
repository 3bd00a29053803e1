/**
 * Paging through one owner's tasks (`tasks/list` of the 2025-11-25 era). Every store orders an owner's tasks the
 * same way, by creation time and then id, and pages with the same opaque cursor: the position of the last task of
 * the previous page. A position never changes and stays meaningful while tasks come and go, unlike an offset.
 */
import { ProtocolError, ProtocolErrorCode } from '../errors.js';
import type { TaskRecord } from './types.js';

/** Where a task sits in its owner's listing. */
export interface ListPosition {
  createdAt: number;
  taskId: string;
}

/** One page of an owner's tasks; `nextCursor` is set when more follow. */
export interface TaskPage {
  records: TaskRecord[];
  nextCursor?: string;
}

/** A cursor this server did not hand out (or one it cannot read): `-32602`, as `tasks/list` prescribes. */
export class InvalidCursorError extends ProtocolError {
  constructor() {
    super(ProtocolErrorCode.InvalidParams, 'Invalid tasks/list cursor.');
    this.name = 'InvalidCursorError';
  }
}

export function positionOf(record: TaskRecord): ListPosition {
  return { createdAt: record.createdAt, taskId: record.taskId };
}

/** Whether `position` comes after `after` in listing order. */
export function isAfter(position: ListPosition, after: ListPosition | undefined): boolean {
  if (!after) return true;
  if (position.createdAt !== after.createdAt) return position.createdAt > after.createdAt;
  return position.taskId > after.taskId;
}

export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.taskId])).toString('base64url');
}

/** The position a cursor stands for; throws {@link InvalidCursorError} for anything else. */
export function decodeCursor(cursor: string | undefined): ListPosition | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      Number.isSafeInteger(value[0]) &&
      typeof value[1] === 'string' &&
      value[1].length > 0
    ) {
      return { createdAt: value[0], taskId: value[1] };
    }
  } catch {
    // fall through: not base64url JSON
  }
  throw new InvalidCursorError();
}

/** Cut `ordered` (already after the cursor, at most `limit + 1` long) into a page. */
export function pageOf(ordered: TaskRecord[], limit: number): TaskPage {
  if (ordered.length <= limit) return { records: ordered };
  const records = ordered.slice(0, limit);
  return { records, nextCursor: encodeCursor(positionOf(records[records.length - 1]!)) };
}
