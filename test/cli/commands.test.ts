/**
 * `taskmcp` as a user's shell sees it: exit codes, data on stdout only, messages on stderr, `--json`.
 * The server is the module in test/fixtures/cli-server.ts, in process (`--server file`) or served by `taskmcp run`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_SERVER, cli, type Running, startCli, stopAll } from './cli.js';

describe('taskmcp call against a server module', () => {
  it('prints only the result on stdout and the task progress on stderr', async () => {
    const run = await cli(['call', 'steps', 'steps=3', 'stepMs=30', '--server', CLI_SERVER]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ done: 3 });
    expect(run.stderr).toMatch(/task \S+ working: Step \d \(\d\/3\)/);
    expect(run.stderr).toMatch(/task \S+ completed/);
  });

  it('prints the whole CallToolResult as JSON with --json', async () => {
    const run = await cli([
      'call',
      'steps',
      '--args',
      '{"steps":1,"stepMs":0}',
      '--server',
      CLI_SERVER,
      '--json',
    ]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.structuredContent).toMatchObject({ done: 1 });
    expect(result.content[0].type).toBe('text');
  });

  it('parses key=value words as JSON when they parse, as strings otherwise, over --args', async () => {
    const run = await cli([
      'call',
      'args',
      '--args',
      '{"n":1,"keep":"yes"}',
      'n=3',
      'ok=true',
      'tags=["a","b"]',
      'title=Q3 report',
      'zip=007x',
      '--server',
      CLI_SERVER,
      '--json',
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).structuredContent.received).toEqual({
      n: 3,
      keep: 'yes',
      ok: true,
      tags: ['a', 'b'],
      title: 'Q3 report',
      zip: '007x',
    });
  });

  it('loads a named export (file.ts:name) and answers foreground tools directly', async () => {
    const run = await cli(['call', 'greet', 'name=Ada', '--server', 'examples/everything-server.ts:server']);
    expect(run).toMatchObject({ code: 0, stdout: 'Hello, Ada!\n', stderr: '' });
  });

  it('prints usage on stdout for --help and the version for --version', async () => {
    const [help, commandHelp, version] = await Promise.all([
      cli(['--help']),
      cli(['call', '--help']),
      cli(['--version']),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes: 0 ok, 1 tool error');
    expect(commandHelp.stdout).toMatch(/^taskmcp call <tool>/);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('exits 1 with the message on stderr and nothing on stdout when the tool reports an error', async () => {
    const run = await cli(['call', 'broken', '--server', CLI_SERVER]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('the widget is broken');
  });

  it('exits 1 when the task fails with a JSON-RPC error, naming the code', async () => {
    const run = await cli(['call', 'fault', '--server', CLI_SERVER]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/failed \(-32603\): backend unavailable/);
  });

  it('exits 4 with a clear message when --timeout passes', async () => {
    const run = await cli(['call', 'hold', '--timeout', '400', '--server', CLI_SERVER]);
    expect(run.code).toBe(4);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/did not finish within 400 ms \(task \S+ was cancelled\)/);
  });

  it('exits 6 when a task asks for input and stdin is not a terminal', async () => {
    const run = await cli(['call', 'ask', '--server', CLI_SERVER]);
    expect(run.code).toBe(6);
    expect(run.stderr).toContain('"Proceed?"');
  });

  it('exits 2 on usage errors: unknown command, bad --args, missing server, unknown export', async () => {
    const results = await Promise.all([
      cli(['frobnicate']),
      cli(['call', 'echo', '--args', '{oops', '--server', CLI_SERVER]),
      cli(['call', 'echo', 'text=hi'], { TASKMCP_SERVER: '' }),
      cli(['call', 'echo', 'text=hi', '--server', `${CLI_SERVER}:nope`]),
      cli(['call', 'echo', '--server', 'test/fixtures/missing.ts']),
    ]);
    for (const run of results) {
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
    }
    expect(results[0]!.stderr).toContain("unknown command 'frobnicate'");
    expect(results[1]!.stderr).toContain('--args is not valid JSON');
    expect(results[2]!.stderr).toContain('--server');
    expect(results[3]!.stderr).toContain("no TaskMCP export named 'nope'");
    expect(results[4]!.stderr).toContain('Server module not found');
  });

  it('exits 3 when the server cannot be reached', async () => {
    const run = await cli(['call', 'echo', 'text=hi', '--server', 'http://127.0.0.1:9/mcp']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('Cannot connect to http://127.0.0.1:9/mcp');
  });

  it('refuses to run a worker on the memory engine (exit 2)', async () => {
    const run = await cli(['worker', CLI_SERVER], { TASKMCP_TASKS_URL: 'memory://' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/memory task engine.*TASKMCP_TASKS_URL=redis:/s);
  });
});

describe('taskmcp run, then call, tasks and inspect over HTTP', () => {
  let server: Running;
  let url: string;

  beforeAll(async () => {
    server = startCli(['run', CLI_SERVER, '--port', '0', '--drain', '0'], { TASKMCP_TASKS_URL: 'memory://' });
    url = (await server.waitFor(/^(http:\S+)$/m))[1]!;
  });

  afterAll(() => stopAll([server]));

  it('prints the endpoint URL, and only that, on stdout', () => {
    expect(server.stdout()).toBe(`${url}\n`);
  });

  it('lists tools with their task mode', async () => {
    const table = await cli(['inspect', '--server', url]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^steps\s+optional\s+Reports progress/m);
    expect(table.stdout).toMatch(/^hold\s+required\s+Runs until cancelled/m);
    expect(table.stdout).toMatch(/^echo\s+forbidden/m);
    expect(table.stderr).toContain('cli-test 1.2.3 (protocol 2026-07-28)');
    const json = JSON.parse((await cli(['inspect', '--server', url, '--json'])).stdout);
    expect(json.server).toMatchObject({ name: 'cli-test', version: '1.2.3' });
    expect(json.tools.find((tool: { name: string }) => tool.name === 'hold')).toMatchObject({
      taskMode: 'required',
    });
  });

  it('detaches from a task, then gets, cancels and watches it by id', async () => {
    const detached = await cli(['call', 'hold', '--detach', '--server', url]);
    expect(detached.code).toBe(0);
    const taskId = detached.stdout.trim();
    expect(taskId).toMatch(/^\S{16,}$/);

    const got = await cli(['tasks', 'get', taskId, '--server', url, '--json']);
    expect(got.code).toBe(0);
    expect(JSON.parse(got.stdout)).toMatchObject({ taskId, status: 'working' });

    const cancelled = await cli(['tasks', 'cancel', taskId, '--server', url]);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toMatch(new RegExp(`^${taskId}\\tcancelled`));

    const watched = await cli(['tasks', 'watch', taskId, '--server', url]);
    expect(watched.code).toBe(5);
    expect(watched.stdout).toBe('');
    expect(watched.stderr).toContain(`Task ${taskId} was cancelled.`);
  });

  it('watches a running task to its result', async () => {
    const taskId = (
      await cli(['call', 'steps', 'steps=3', 'stepMs=100', '--detach', '--server', url])
    ).stdout.trim();
    const watched = await cli(['tasks', 'watch', taskId, '--server', url]);
    expect(watched.code).toBe(0);
    expect(JSON.parse(watched.stdout)).toMatchObject({ done: 3 });
  });

  it('exits 3 with the JSON-RPC error for an unknown task id', async () => {
    const run = await cli(['tasks', 'get', 'no-such-task', '--server', url]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/-32602/);
  });

  it('cancels the task on SIGINT and exits 130', async () => {
    const call = startCli(['call', 'hold', '--server', url]);
    const [, taskId] = await call.waitFor(/task (\S+) working: Holding/);
    call.child.kill('SIGINT');
    const finished = await call.exited;
    expect(finished.code).toBe(130);
    expect(finished.stderr).toContain(`Interrupted: task ${taskId} was cancelled.`);
    const after = await cli(['tasks', 'get', taskId!, '--server', url, '--json']);
    expect(JSON.parse(after.stdout).status).toBe('cancelled');
  });

  it('stops on SIGTERM and exits 0', async () => {
    const other = startCli(['run', CLI_SERVER, '--port', '0', '--drain', '0']);
    await other.waitFor(/^http:\S+$/m);
    other.child.kill('SIGTERM');
    const done = await other.exited;
    expect(done, JSON.stringify({ ...done, signal: other.child.signalCode })).toMatchObject({ code: 0 });
  });
});
