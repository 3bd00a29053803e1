/**
 * What an engine tells observers (metrics, dashboards, logs) about the work this process does. Observers are
 * called synchronously at the moment a transition is stored; they must be cheap, and one that throws is ignored
 * (an observer never breaks the engine).
 */
import type { TaskRecord } from './types.js';

export interface EngineObserver {
  /** This process created the task. */
  created?(record: TaskRecord): void;
  /**
   * This process moved the task to `completed`, `failed` or `cancelled` (a worker settling it, a front end
   * cancelling it, the reconciler giving up on it). Counted once per task across all processes.
   */
  ended?(record: TaskRecord): void;
  /** A leg started running in this process, `waitedMs` after it was queued. */
  legStarted?(record: TaskRecord, waitedMs: number): void;
  /** A leg's handler returned or threw in this process after `durationMs`. */
  legFinished?(record: TaskRecord, durationMs: number): void;
  /** An engine operation failed (its store or queue unreachable, a reconciler round). */
  failed?(operation: string, error: Error): void;
}

/** The observers of one engine, called as one. */
export class Observers implements Required<EngineObserver> {
  private readonly observers = new Set<EngineObserver>();

  add(observer: EngineObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  created(record: TaskRecord): void {
    this.each((observer) => observer.created?.(record));
  }

  ended(record: TaskRecord): void {
    this.each((observer) => observer.ended?.(record));
  }

  legStarted(record: TaskRecord, waitedMs: number): void {
    this.each((observer) => observer.legStarted?.(record, waitedMs));
  }

  legFinished(record: TaskRecord, durationMs: number): void {
    this.each((observer) => observer.legFinished?.(record, durationMs));
  }

  failed(operation: string, error: Error): void {
    this.each((observer) => observer.failed?.(operation, error));
  }

  private each(call: (observer: EngineObserver) => void): void {
    for (const observer of this.observers) {
      try {
        call(observer);
      } catch {
        // An observer must never break the engine.
      }
    }
  }
}
