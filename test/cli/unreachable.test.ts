/** The CLI against a Redis that cannot be reached: one clear error naming the URL (password redacted), then exit. */
import { describe, expect, it } from 'vitest';
import { CLI_SERVER, cli } from './cli.js';

describe('taskmcp with an unreachable Redis', () => {
  it.each([
    ['run', ['run', CLI_SERVER, '--port', '0']],
    ['worker', ['worker', CLI_SERVER]],
  ])('%s exits with an error naming the Redis URL, password redacted', async (_command, args) => {
    const finished = await cli(args, { TASKMCP_TASKS_URL: 'redis://:hunter2@127.0.0.1:1/0' });
    expect(finished.code).not.toBe(0);
    expect(finished.stderr).toContain(
      'Cannot reach Redis at redis://:***@127.0.0.1:1/0: connect ECONNREFUSED 127.0.0.1:1',
    );
    expect(finished.stderr).not.toContain('hunter2');
    expect(finished.stderr).not.toContain('Unhandled error event');
    // No flood: the connection reports itself once, the command once.
    expect(finished.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
  });
});
