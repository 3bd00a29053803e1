/**
 * Resources, resource templates and prompts as tasks (the 2025-11-25 era's `resources/read` and `prompts/get` with
 * `params.task`). A task only knows a target name and its arguments, and a `taskmcp worker` loading the same server
 * module must find what to run from them. Tool names cannot contain ':', so a resource read is filed under the
 * reserved name `resource:<name>` with the URI as its one argument, and a prompt get under `prompt:<name>` with the
 * prompt's arguments: task records keep their format, and records written before this existed load unchanged.
 */
import type { StandardSchemaV1, StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import { ProtocolError, ProtocolErrorCode } from '../../errors.js';
import type { LegOperation } from '../../tracing/spans.js';
import type { PromptRegistration, Registration, ResourceRegistration } from '../ambient-calls.js';

export type TargetKind = Registration['kind'];

/** Whether any registration of `kind` may run as a task: the era's capability is declared only then. */
export function hasTaskCapable(registrations: readonly Registration[], kind: TargetKind): boolean {
  return registrations.some((registration) => registration.kind === kind && isTaskCapable(registration));
}

function isTaskCapable(registration: Registration): boolean {
  return registration.task !== undefined && registration.task.mode !== 'forbidden';
}

/** The name a task of this resource or prompt is filed under. */
export function taskNameOf(kind: TargetKind, name: string): string {
  return `${kind}:${name}`;
}

/** The resource or prompt a task name refers to, or `undefined` for a tool's name. */
export function parseTaskName(taskName: string): { kind: TargetKind; name: string } | undefined {
  const colon = taskName.indexOf(':');
  if (colon < 0) return undefined;
  const kind = taskName.slice(0, colon);
  if (kind !== 'resource' && kind !== 'prompt') return undefined;
  return { kind, name: taskName.slice(colon + 1) };
}

/** What a task filed under `taskName` with `args` runs, as its spans name it. */
export function operationOf(taskName: string, args: Record<string, unknown>): LegOperation {
  const target = parseTaskName(taskName);
  if (!target) return { kind: 'tool' };
  return target.kind === 'resource'
    ? { kind: 'resource', uri: typeof args.uri === 'string' ? args.uri : '' }
    : { kind: 'prompt', name: target.name };
}

/**
 * The registered resource that serves `uri`, found as the SDK finds it: a fixed resource by its exact URI first,
 * then the first template that matches. `undefined` when none does (the SDK then answers "not found").
 */
export function findResource(
  registrations: readonly Registration[],
  uri: string,
): ResourceRegistration | undefined {
  let href: string;
  try {
    href = new URL(uri).toString();
  } catch {
    return undefined; // the SDK answers an invalid URI
  }
  const resources = registrations.filter((r): r is ResourceRegistration => r.kind === 'resource');
  return (
    resources.find((r) => typeof r.uriOrTemplate === 'string' && r.uriOrTemplate === href) ??
    resources.find((r) => typeof r.uriOrTemplate !== 'string' && r.uriOrTemplate.uriTemplate.match(href))
  );
}

export function findPrompt(
  registrations: readonly Registration[],
  name: string,
): PromptRegistration | undefined {
  return registrations.find((r): r is PromptRegistration => r.kind === 'prompt' && r.name === name);
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
