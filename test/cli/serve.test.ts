/** `taskmcp run --transport stdio` for clients that spawn their server, and `taskmcp dev` restarting on change. */
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Client } from 'taskmcp/client';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers.js';
import { CLI_COMMAND, CLI_SERVER, cli, type Running, root, startCli, stopAll } from './cli.js';

describe('taskmcp run --transport stdio', () => {
  it('serves a client that spawns it, tasks included, and keeps stdout for MCP', async () => {
    const [command, ...prefix] = CLI_COMMAND;
    const client = await Client.connect({
      command: command!,
      args: [...prefix, 'run', CLI_SERVER, '--transport', 'stdio'],
      cwd: root,
      env: { ...(process.env as Record<string, string>), TASKMCP_TASKS_URL: 'memory://' },
      stderr: 'ignore',
    });
    try {
      const handle = await client.callToolTask('steps', { steps: 2, stepMs: 10 });
      expect(handle.id).toBeDefined();
      expect((await handle.result()).structuredContent).toMatchObject({ done: 2 });
    } finally {
      await client.close();
    }
  });
});

describe('taskmcp dev', () => {
  // A copy next to the fixture, so it resolves the same packages; removed afterwards.
  const module = 'test/fixtures/cli-server.dev-copy.ts';
  const processes: Running[] = [];
  afterAll(async () => {
    rmSync(`${root}${module}`, { force: true });
    await stopAll(processes);
  });

  it('serves on the memory engine and restarts when the module changes', async () => {
    copyFileSync(`${root}${CLI_SERVER}`, `${root}${module}`);
    const dev = startCli(['dev', module, '--port', '0'], { TASKMCP_LOG_LEVEL: 'info' });
    processes.push(dev);
    const url = (await dev.waitFor(/^(http:\S+)$/m))[1]!;
    expect(dev.stderr()).toContain('task engine: memory');
    const before = await cli(['inspect', '--server', url]);
    expect(before.stdout).toMatch(/^steps\s+optional\s+Reports progress step by step/m);

    const source = readFileSync(`${root}${module}`, 'utf8');
    writeFileSync(
      `${root}${module}`,
      source.replace('Reports progress step by step', 'Edited while running'),
    );
    // Port 0 picks a new port on restart: follow the newest URL.
    const edited = await eventually(
      async () => {
        const urls = [...dev.stdout().matchAll(/^(http:\S+)$/gm)].map((match) => match[1]!);
        if (urls.length < 2) return undefined;
        const after = await cli(['inspect', '--server', urls.at(-1)!]);
        return after.stdout.includes('Edited while running') ? after : undefined;
      },
      15_000,
      200,
    );
    expect(edited.code).toBe(0);

    // SIGTERM reaches the restarted server through the watcher, and everything exits.
    dev.child.kill('SIGTERM');
    expect((await dev.exited).code).toBe(0);
  });
});
