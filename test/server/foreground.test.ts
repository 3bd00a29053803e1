import { setTimeout as sleep } from 'node:timers/promises';
import { TaskMCP } from 'taskmcp';
import { Client } from 'taskmcp/client';
import { afterEach, describe, expect, it } from 'vitest';

describe('many foreground calls at once', () => {
  const warnings: Error[] = [];
  const collect = (warning: Error) => warnings.push(warning);
  afterEach(() => {
    process.off('warning', collect);
  });

  it('serves 40 concurrent calls without a listener-leak warning', async () => {
    process.on('warning', collect);
    const server = new TaskMCP({ name: 'busy', version: '1', logger: () => {} });
    server.tool({ name: 'nap' }, async (_args, ctx) => {
      await sleep(50, undefined, { signal: ctx.signal });
      return 'rested';
    });
    const client = await Client.connect({ server });
    try {
      const results = await Promise.all(Array.from({ length: 40 }, () => client.callTool('nap')));
      expect(results.every((result) => !result.isError)).toBe(true);
      // process.emitWarning delivers on process.nextTick: every warning queued by now is out before setImmediate runs.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
