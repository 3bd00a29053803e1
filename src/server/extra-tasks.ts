/**
 * Resources, resource templates and prompts as tasks (the 2025-11-25 era's `resources/read` and `prompts/get` with
 * `params.task`). A task only knows a target name and its arguments, and a `taskmcp worker` loading the same server
 * module must find what to run from them. Tool names cannot contain ':', so a resource read is filed under the
 * reserved name `resource:<name>` with the URI as its one argument, and a prompt get under `prompt:<name>` with the
 * prompt's arguments: task records keep their format, and records written before this existed load unchanged.
 */
import type { StandardSchemaV1, StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import { ProtocolError, ProtocolErrorCode } from '../errors.js';
import type { PromptRegistration, Registration, ResourceRegistration } from './ambient-calls.js';
import { checkResourceTaskOptions } from './option-checks.js';
import type { ResolvedTaskOptions, TaskDefaults, TaskOptions } from './registry.js';

/** A resource's, resource template's or prompt's `task` options: as a tool's, less `retry` and `timeoutMs`. */
export type ResourceTaskOptions = Pick<TaskOptions, 'mode' | 'ttlMs' | 'pollIntervalMs'>;

export type ExtraKind = Registration['kind'];

/** The `task` option a resource or prompt was registered with. */
function taskOption(registration: Registration): boolean | ResourceTaskOptions | undefined {
  return registration.kind === 'resource' ? registration.metadata.task : registration.config.task;
}

function subjectOf(registration: Registration): string {
  return `${registration.kind === 'resource' ? 'Resource' : 'Prompt'} '${registration.name}'`;
}

/** Throws, naming the resource or prompt, when its `task` option is unknown or cannot work (at registration). */
export function checkExtraTask(registration: Registration): void {
  checkResourceTaskOptions(subjectOf(registration), taskOption(registration));
}

/**
 * The registrations as a starting server serves them: each with its task settings, the server's defaults applied
 * (`ttlMs`, `pollIntervalMs` and the `maxTtlMs` bound; a mounted one takes those of the server it is mounted on).
 * Throws, naming the resource or prompt, on a ttl beyond the maximum.
 */
export function resolveExtras(extras: readonly Registration[], defaults: TaskDefaults): Registration[] {
  return extras.map((registration) => ({
    ...registration,
    task: resolveExtraTaskOptions(subjectOf(registration), taskOption(registration), defaults),
  }));
}

/**
 * The task settings of a resource or prompt registered with `task`, or `undefined` when it has none. Unlike a tool's,
 * an absent `task` is `forbidden` whatever `tasks.defaultMode` says: that default is for tools, and turning every
 * resource read of a server into a possible task is a decision to make per resource. An object without `mode` is
 * `optional`.
 */
function resolveExtraTaskOptions(
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

/** Whether any registration of `kind` may run as a task: the era's capability is declared only then. */
export function hasTaskCapable(extras: readonly Registration[], kind: ExtraKind): boolean {
  return extras.some((registration) => registration.kind === kind && isTaskCapable(registration));
}

function isTaskCapable(registration: Registration): boolean {
  return registration.task !== undefined && registration.task.mode !== 'forbidden';
}

/** The name a task of this resource or prompt is filed under. */
export function extraTaskName(kind: ExtraKind, name: string): string {
  return `${kind}:${name}`;
}

/** The resource or prompt a task name refers to, or `undefined` for a tool's name. */
export function parseExtraTaskName(taskName: string): { kind: ExtraKind; name: string } | undefined {
  const colon = taskName.indexOf(':');
  if (colon < 0) return undefined;
  const kind = taskName.slice(0, colon);
  if (kind !== 'resource' && kind !== 'prompt') return undefined;
  return { kind, name: taskName.slice(colon + 1) };
}

/**
 * The registered resource that serves `uri`, found as the SDK finds it: a fixed resource by its exact URI first,
 * then the first template that matches. `undefined` when none does (the SDK then answers "not found").
 */
export function findResource(extras: readonly Registration[], uri: string): ResourceRegistration | undefined {
  let href: string;
  try {
    href = new URL(uri).toString();
  } catch {
    return undefined; // the SDK answers an invalid URI
  }
  const resources = extras.filter((r): r is ResourceRegistration => r.kind === 'resource');
  return (
    resources.find((r) => typeof r.uriOrTemplate === 'string' && r.uriOrTemplate === href) ??
    resources.find((r) => typeof r.uriOrTemplate !== 'string' && r.uriOrTemplate.uriTemplate.match(href))
  );
}

export function findPrompt(extras: readonly Registration[], name: string): PromptRegistration | undefined {
  return extras.find((r): r is PromptRegistration => r.kind === 'prompt' && r.name === name);
}

/**
 * A prompt's arguments as its schema parses them (as given when it has none), or -32602 naming the prompt. The get
 * that creates a task and each leg that runs it parse through here, so the handler sees the same arguments.
 */
export async function parsePromptArguments(
  prompt: PromptRegistration,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const schema = prompt.config.argsSchema as (StandardSchemaWithJSON & StandardSchemaV1) | undefined;
  if (!schema) return args;
  const result = await schema['~standard'].validate(args);
  if (!result.issues) return result.value as Record<string, unknown>;
  const issues = result.issues
    .map((issue) => {
      const path = issue.path?.map((p) => (typeof p === 'object' ? p.key : p)).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
  throw new ProtocolError(
    ProtocolErrorCode.InvalidParams,
    `Invalid arguments for prompt '${prompt.name}': ${issues}`,
  );
}
