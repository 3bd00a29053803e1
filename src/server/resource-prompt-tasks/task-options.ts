/**
 * The task settings of a resource, resource template or prompt, resolved when it is registered, as a tool's are: a
 * misspelt or impossible `task` option stops the program at the `resource()` or `prompt()` call that has it, naming
 * it, and the settings take the defaults of the server it is registered on (a mounted server's keep their own, like
 * its tools).
 */
import type { Registration } from '../ambient-calls.js';
import { checkResourceTaskOptions } from '../option-checks.js';
import type { ResolvedTaskOptions, ResourceTaskOptions, TaskDefaults } from '../registry.js';

/** `registration` with its task settings (`task`), `defaults` applied; throws, naming it, on a bad `task` option. */
export function withTaskSettings<R extends Registration>(registration: R, defaults: TaskDefaults): R {
  const subject = `${registration.kind === 'resource' ? 'Resource' : 'Prompt'} '${registration.name}'`;
  const option = registration.kind === 'resource' ? registration.metadata.task : registration.config.task;
  return { ...registration, task: resolveTaskSettings(subject, option, defaults) };
}

/**
 * The task settings of a resource or prompt registered with `task`, or `undefined` when it has none. Unlike a tool's,
 * an absent `task` is `forbidden` whatever `tasks.defaultMode` says: that default is for tools, and turning every
 * resource read of a server into a possible task is a decision to make per resource. An object without `mode` is
 * `optional`. `ttlMs` and `pollIntervalMs` default to the server's, and `ttlMs` is bounded by `tasks.maxTtlMs`.
 */
function resolveTaskSettings(
  subject: string,
  task: boolean | ResourceTaskOptions | undefined,
  defaults: TaskDefaults,
): ResolvedTaskOptions | undefined {
  checkResourceTaskOptions(subject, task);
  if (task === undefined) return undefined;
  const options: ResourceTaskOptions = typeof task === 'object' ? task : {};
  const ttlMs = options.ttlMs ?? defaults.ttlMs;
  if (ttlMs > defaults.maxTtlMs) {
    throw new RangeError(
      `${subject}: task.ttlMs ${ttlMs} exceeds the server maximum of ${defaults.maxTtlMs} ms (tasks.maxTtlMs).`,
    );
  }
  const mode = typeof task === 'boolean' ? (task ? 'optional' : 'forbidden') : (options.mode ?? 'optional');
  return { mode, ttlMs, pollIntervalMs: options.pollIntervalMs ?? defaults.pollIntervalMs };
}
