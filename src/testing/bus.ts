/**
 * The contract of a `TaskEventBus`: delivery after subscribe, unsubscribe, listeners isolated from each other, and
 * task log records carried whole, in order, to the listeners of that type only.
 */
import { describe, expect, it } from 'vitest';
import type { TaskEventBus } from '../tasks/seams.js';
import { eventually } from './support.js';

/** Register the event bus contract with vitest. `makeBus` returns a new bus for each test; the suite closes it. */
export function describeBusContract(name: string, makeBus: () => Promise<TaskEventBus>) {
  describe(`TaskEventBus contract: ${name}`, () => {
    it('delivers events published after subscribe resolves, until unsubscribed', async () => {
      const bus = await makeBus();
      const seen: unknown[] = [];
      const unsubscribe = await bus.subscribe((event) => seen.push(event));
      await bus.publish({ type: 'cancel', taskId: 't1' });
      await bus.publish({ type: 'changed', taskId: 't2', status: 'completed' });
      await eventually(() => seen.length === 2);
      expect(seen).toEqual([
        { type: 'cancel', taskId: 't1' },
        { type: 'changed', taskId: 't2', status: 'completed' },
      ]);
      await unsubscribe();
      await bus.publish({ type: 'cancel', taskId: 't3' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen).toHaveLength(2);
      await bus.close();
    });

    it('delivers to a listener only the event types it subscribed to', async () => {
      const bus = await makeBus();
      const cancels: unknown[] = [];
      const changes: unknown[] = [];
      const everything: unknown[] = [];
      await bus.subscribe((event) => cancels.push(event), ['cancel']);
      await bus.subscribe((event) => changes.push(event), ['changed']);
      await bus.subscribe((event) => everything.push(event));
      await bus.publish({ type: 'changed', taskId: 't1', status: 'working' });
      await bus.publish({ type: 'cancel', taskId: 't2' });
      // The catch-all listener hears both only after both were delivered to the others (one connection, in order).
      await eventually(() => everything.length === 2);
      expect(cancels).toEqual([{ type: 'cancel', taskId: 't2' }]);
      expect(changes).toEqual([{ type: 'changed', taskId: 't1', status: 'working' }]);
      await bus.close();
    });

    it('carries task log records whole and in order, only to listeners of logs or of every type', async () => {
      const bus = await makeBus();
      const logs: unknown[] = [];
      const changes: unknown[] = [];
      const everything: unknown[] = [];
      await bus.subscribe((event) => logs.push(event), ['log']);
      await bus.subscribe((event) => changes.push(event), ['changed']);
      await bus.subscribe((event) => everything.push(event));
      const records = [
        { type: 'log' as const, taskId: 't1', level: 'info' as const, data: 'first' },
        {
          type: 'log' as const,
          taskId: 't1',
          level: 'warning' as const,
          data: { message: 'second', data: { rows: [1, 2] } },
          logger: 'import',
        },
      ];
      for (const record of records) await bus.publish(record);
      await bus.publish({ type: 'changed', taskId: 't1', status: 'completed' });
      await eventually(() => everything.length === 3);
      expect(logs).toEqual(records);
      expect(changes).toEqual([{ type: 'changed', taskId: 't1', status: 'completed' }]);
      expect(everything).toEqual([...records, { type: 'changed', taskId: 't1', status: 'completed' }]);
      await bus.close();
    });

    it('keeps delivering to other listeners when one throws', async () => {
      const bus = await makeBus();
      const seen: unknown[] = [];
      await bus.subscribe(() => {
        throw new Error('bad listener');
      });
      await bus.subscribe((event) => seen.push(event));
      await bus.publish({ type: 'cancel', taskId: 't1' });
      await eventually(() => seen.length === 1);
      await bus.close();
    });
  });
}
