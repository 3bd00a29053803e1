import type { TaskEvent, TaskEventBus } from '../seams.js';

/** In-process event bus: synchronous fan-out to the listeners of this process. */
export class MemoryTaskEventBus implements TaskEventBus {
  private readonly listeners = new Set<(event: TaskEvent) => void>();

  async publish(event: TaskEvent): Promise<void> {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A failing listener must not stop delivery to the others (or fail the publisher).
      }
    }
  }

  async subscribe(listener: (event: TaskEvent) => void): Promise<() => Promise<void>> {
    this.listeners.add(listener);
    return async () => {
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
