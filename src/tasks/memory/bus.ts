import type { TaskEvent, TaskEventBus, TaskEventType } from '../seams.js';

/** In-process event bus: synchronous fan-out to the listeners of this process. */
export class MemoryTaskEventBus implements TaskEventBus {
  private readonly listeners = new Map<(event: TaskEvent) => void, readonly TaskEventType[] | undefined>();

  async publish(event: TaskEvent): Promise<void> {
    for (const [listener, types] of [...this.listeners]) {
      if (types && !types.includes(event.type)) continue;
      try {
        listener(event);
      } catch {
        // A failing listener must not stop delivery to the others (or fail the publisher).
      }
    }
  }

  async subscribe(
    listener: (event: TaskEvent) => void,
    types?: readonly TaskEventType[],
  ): Promise<() => Promise<void>> {
    this.listeners.set(listener, types);
    return async () => {
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
