import { Command, type Redis } from 'ioredis';

/** What ioredis keeps per script defined on a connection (`defineCommand`): internal, but stable across 5.x. */
interface DefinedScript {
  lua: string;
  sha: string;
  numberOfKeys: number | null;
  keyPrefix: string;
  /** ioredis's command class for the script: sends EVAL the first time on a socket, EVALSHA after. */
  Command: typeof Command;
}

type Argument = string | number | Buffer;

/** The Lua scripts defined on an ioredis connection (ioredis keeps them, with their sources, in `scriptsSet`). */
export function scriptsOf(redis: Redis): Record<string, DefinedScript> {
  return (redis as unknown as { scriptsSet: Record<string, DefinedScript> }).scriptsSet;
}

/**
 * `MULTI`, scripts, `EXEC` sent as plain commands in one socket write: what `redis.multi()` does, without ioredis's
 * `Pipeline` (which copies every script defined on the connection into each transaction, wraps every reply in
 * promises and replays the result through several layers: measured ≈ 2× the CPU of the plain commands, on the
 * latency path of every creation).
 *
 * The commands carry the marks a `multi()` gives them (`pipelineIndex`, `inTransaction`), so a connection lost
 * halfway is handled as ioredis handles its own transactions: a transaction whose replies were cut off is aborted
 * (never resent without its `MULTI`), one not yet sent is resent whole. Queue the scripts (synchronously), then
 * {@link exec} once.
 */
export class ScriptTransaction {
  private readonly commands: Command[] = [];
  private readonly scripts: DefinedScript[] = [];

  constructor(private readonly redis: Redis) {}

  /** Queue the script defined on the connection as `name` (keys then arguments, as its command takes them). */
  script(name: string, args: readonly Argument[]): Promise<unknown> {
    const script = scriptsOf(this.redis)[name];
    if (!script) throw new Error(`The script ${name} is not defined on the transaction connection.`);
    const head: Argument[] =
      typeof script.numberOfKeys === 'number' ? [script.sha, script.numberOfKeys] : [script.sha];
    const command = new script.Command('evalsha', [...head, ...args], {
      replyEncoding: 'utf8',
      keyPrefix: script.keyPrefix || undefined,
    });
    this.commands.push(command);
    this.scripts.push(script);
    // Its own reply is QUEUED (or an error that EXEC reports too): the outcome is read from exec().
    command.promise.catch(() => {});
    return command.promise;
  }

  /** Send the transaction; resolves to each script's reply or error, in order. */
  async exec(): Promise<Array<[Error | null, unknown]>> {
    const results = this.redis.status === 'ready' ? await this.execReady() : await this.execThroughPipeline();
    await this.repairScripts(results);
    return results;
  }

  private async execReady(): Promise<Array<[Error | null, unknown]>> {
    const exec = new Command('exec', [], { replyEncoding: 'utf8' });
    const commands = [new Command('multi', [], { replyEncoding: 'utf8' }), ...this.commands, exec];
    const socket = this.redis.stream;
    socket.cork();
    try {
      commands.forEach((command, index) => {
        const marked = command as Command & { pipelineIndex?: number };
        marked.pipelineIndex = index;
        marked.inTransaction = command !== exec;
        void this.redis.sendCommand(command);
      });
    } finally {
      socket.uncork();
    }
    const replies = (await exec.promise) as unknown[] | null;
    if (!replies) throw new Error('The transaction was aborted.');
    return replies.map((reply): [Error | null, unknown] =>
      reply instanceof Error ? [reply, null] : [null, reply],
    );
  }

  /**
   * Before the connection is ready, ioredis writes the commands Redis accepts while loading (MULTI and EXEC among
   * them) at once and holds the others until it is: sent one by one, the scripts would miss their transaction.
   * ioredis's own `multi()` holds them all; the first creations of a process take that path.
   */
  private async execThroughPipeline(): Promise<Array<[Error | null, unknown]>> {
    const multi = this.redis.multi();
    for (const command of this.commands) {
      (multi as unknown as { sendCommand(command: Command): unknown }).sendCommand(command);
    }
    const results = await multi.exec();
    if (!results) throw new Error('The transaction was aborted.');
    return results;
  }

  /**
   * ioredis remembers per socket which scripts it sent in full, and sends only their SHA afterwards; a script it
   * sent inside a transaction that Redis then discarded (e.g. refused for memory), or one dropped by `SCRIPT FLUSH`,
   * is not loaded. Load them, so the next transaction does not fail the same way. (`multi()` checks `SCRIPT EXISTS`
   * first instead, one more round trip on every creation.) Redis does not roll back the commands of an `EXEC` that
   * did run: a creation whose queueing script failed this way leaves a record with no leg, which the caller reports
   * as a failed creation and the reconciler re-queues or fails (the engine invariant, docs/engines.md).
   */
  private async repairScripts(results: Array<[Error | null, unknown]>): Promise<void> {
    if (!results.some(([error]) => error?.message.includes('NOSCRIPT'))) return;
    await Promise.all(this.scripts.map((script) => this.redis.script('LOAD', script.lua).catch(() => {})));
  }
}
