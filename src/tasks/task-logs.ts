/**
 * Log records of running tasks (`ctx.log` in a task's handler), carried over the engine's event bus from whichever
 * process runs the leg to the front end holding the client that created the task (2025-11-25 stdio connections and
 * HTTP sessions relay them as `notifications/message`).
 *
 * A chatty handler must not flood the bus (Redis pub/sub fans every record out to every front end), so each leg
 * has a budget: records are cut to {@link MAX_LOG_RECORD_BYTES}, and past a burst of {@link LOG_BURST} records at
 * most {@link LOGS_PER_SECOND} a second go out; the rest are dropped, and the next record that goes out is preceded
 * by a warning saying how many. The server's own log keeps every record.
 */
import type { TaskEventBus, TaskLogRecord } from './seams.js';

/** How long a leg's outcome waits for its log records to reach the bus (a bus that hangs must not hold it up). */
export const LOG_FLUSH_MS = 2_000;

/** A record's `data` is cut to this many bytes of JSON. */
export const MAX_LOG_RECORD_BYTES = 8 * 1024;
/** Records one leg may send at once before the rate applies. */
export const LOG_BURST = 50;
/** Records one leg may send a second, past the burst. */
export const LOGS_PER_SECOND = 10;

/** What one leg may still send: a token bucket, and the records it had to drop since the last one it sent. */
export class LegLogBudget {
  private tokens = LOG_BURST;
  private refilledAt: number;
  private dropped = 0;

  constructor(
    private readonly taskId: string,
    private readonly publish: (event: { type: 'log'; taskId: string } & TaskLogRecord) => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {
    this.refilledAt = now();
  }

  /** Send `record` if the budget allows (bounded in size), or count it as dropped. */
  async send(record: TaskLogRecord): Promise<void> {
    if (!this.take()) {
      this.dropped++;
      return;
    }
    if (this.dropped > 0) {
      const dropped = this.dropped;
      this.dropped = 0;
      await this.publish({
        type: 'log',
        taskId: this.taskId,
        level: 'warning',
        logger: 'taskmcp',
        data: `${dropped} log message(s) of task ${this.taskId} dropped: a task sends at most ${LOGS_PER_SECOND} a second to its client (the server log has them all).`,
      });
    }
    await this.publish({ type: 'log', taskId: this.taskId, ...bounded(record) });
  }

  private take(): boolean {
    const now = this.now();
    this.tokens = Math.min(LOG_BURST, this.tokens + ((now - this.refilledAt) / 1000) * LOGS_PER_SECOND);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}

/** Resolves once every record in `sending` is on the bus, or after {@link LOG_FLUSH_MS}. */
export async function flushed(sending: ReadonlySet<Promise<void>>): Promise<void> {
  // Most legs log nothing: no timer, no promises to race.
  if (sending.size === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const givingUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, LOG_FLUSH_MS);
  });
  await Promise.race([Promise.all(sending), givingUp]);
  clearTimeout(timer);
}

/** `record` with its data cut to {@link MAX_LOG_RECORD_BYTES} of JSON (then a string saying so). */
function bounded(record: TaskLogRecord): TaskLogRecord {
  let json: string | undefined;
  try {
    json = JSON.stringify(record.data);
  } catch {
    json = undefined; // circular, or a BigInt: say what it was instead
  }
  if (json === undefined) return { ...record, data: String(record.data) };
  if (Buffer.byteLength(json) <= MAX_LOG_RECORD_BYTES) return record;
  const cut = Buffer.from(json).subarray(0, MAX_LOG_RECORD_BYTES).toString();
  return { ...record, data: `${cut}… (cut from ${Buffer.byteLength(json)} bytes of JSON)` };
}

/** This process's listeners to task log records, by task; subscribes to the bus's log records on the first. */
export class TaskLogWatchers {
  private readonly listeners = new Map<string, Set<(record: TaskLogRecord) => void>>();
  private subscription?: Promise<unknown>;

  constructor(private readonly bus: TaskEventBus) {}

  async watch(taskId: string, listener: (record: TaskLogRecord) => void): Promise<() => void> {
    this.subscription ??= this.bus.subscribe(
      (event) => {
        if (event.type !== 'log') return;
        const { type: _type, taskId: of, ...record } = event;
        for (const deliver of [...(this.listeners.get(of) ?? [])]) deliver(record);
      },
      ['log'],
    );
    await this.subscription.catch((error: Error) => {
      this.subscription = undefined; // the next watch tries again
      throw error;
    });
    let listeners = this.listeners.get(taskId);
    if (!listeners) {
      listeners = new Set();
      this.listeners.set(taskId, listeners);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.listeners.delete(taskId);
    };
  }
}
