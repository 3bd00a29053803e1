/**
 * A proxy of a stdio backend: a server the proxy spawns as its child process and talks to over its stdin/stdout.
 *
 * Where the backend lives decides what the proxy can promise. The child belongs to the process that spawned it: its
 * tasks live in its memory (or its own engine), die with it, and no other process (a `taskmcp worker` on another
 * machine, a restarted front end) can reach them. So each proxy process spawns one long-lived child, shared by all
 * its calls, and a proxy task follows its backend task within one leg, on the process whose child holds it: the
 * leg starts the backend task, follows it to its end, and cancels it when the leg's signal fires (a cancel from
 * any process, a timeout, a shutdown). The worker is held for the backend task's whole run, as by a local tool: a
 * task on a child process cannot be handed to another process.
 *
 * There is no caller credential to pass on (no HTTP), and input requests of the backend's tasks are not relayed:
 * waiting for the caller ends a leg, and the next leg may run where this child does not exist.
 */
import { type CallToolResult, RELATED_TASK_META_KEY } from '@modelcontextprotocol/client';
import { Client } from '../client/client.js';
import { TaskCancelledError, TaskFailedError } from '../client/types.js';
import type { TaskMCPContext } from '../context/context.js';
import { ProtocolError } from '../errors.js';
import { type Cancellation, endCancelled } from '../server/continuation.js';
import type { ProxyStdio } from './options.js';

/** A foreground call holds the caller's signal, not the SDK's default timeout. */
const NO_DEADLINE_MS = 2 ** 31 - 1;

/** The child's connection, and the legs following its tasks (an input request stops the one it belongs to). */
export interface StdioBackend {
  client: Client;
  /** Backend task id → stop that task's leg with the error. */
  followers: Map<string, (error: Error) => void>;
}

/** Spawn the backend and connect to it, in `era` (`auto` negotiates). */
export async function connectStdio(
  stdio: ProxyStdio,
  era: 'auto' | 'modern' | 'legacy',
): Promise<StdioBackend> {
  const followers = new Map<string, (error: Error) => void>();
  const client = await Client.connect(
    { command: stdio.command, args: stdio.args, env: stdio.env, cwd: stdio.cwd, stderr: 'inherit' },
    {
      name: 'taskmcp-proxy',
      era,
      tasks: true,
      // Never polled by push on a connection shared by every call: one follower per task is enough.
      taskNotifications: false,
      onElicit: (params) => {
        const error = new Error(
          `The proxy does not relay input requests of a stdio backend's tasks (asked: ${JSON.stringify(params.message)}).`,
        );
        // 2025-11-25 asks on the task's tasks/result stream, which would wait on: stop the leg that follows it.
        const related = (params._meta as Record<string, { taskId?: string }> | undefined)?.[
          RELATED_TASK_META_KEY
        ];
        if (related?.taskId) followers.get(related.taskId)?.(error);
        return Promise.reject(error);
      },
    },
  );
  return { client, followers };
}

export function stdioHandler({ client: backend, followers }: StdioBackend, backendName: string) {
  return async (
    args: Record<string, unknown>,
    ctx: TaskMCPContext,
  ): Promise<CallToolResult | Cancellation> => {
    if (ctx.taskId === undefined) {
      return (await backend.sdk.callTool(
        { name: backendName, arguments: args },
        {
          signal: ctx.signal,
          timeout: NO_DEADLINE_MS,
          onprogress: ({ progress, total, message }) =>
            void ctx.reportProgress(progress, total, message).catch(() => {}),
        },
      )) as CallToolResult;
    }
    const handle = await backend.callToolTask(backendName, args, { signal: ctx.signal });
    const stop = new AbortController();
    if (handle.id !== undefined) followers.set(handle.id, (error) => stop.abort(error));
    try {
      // Aborting the signal cancels the backend task (TaskHandle.result does it).
      return await handle.result({ signal: AbortSignal.any([ctx.signal, stop.signal]) });
    } catch (error) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      if (stop.signal.aborted) throw stop.signal.reason;
      if (error instanceof TaskFailedError) throw new ProtocolError(error.code, error.message, error.data);
      // Not this proxy's cancel (its signal would have fired): the proxy task ends `cancelled` too, as on HTTP.
      if (error instanceof TaskCancelledError) {
        return endCancelled(
          `The backend task ${error.taskId} was cancelled by someone other than this proxy.`,
        );
      }
      // Anything else (an input request the proxy cannot relay): the backend task must not run on unattended.
      if (handle.id !== undefined) await backend.cancelTask(handle.id).catch(() => {});
      throw error;
    } finally {
      if (handle.id !== undefined) followers.delete(handle.id);
    }
  };
}
