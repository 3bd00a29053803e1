/**
 * `server.mount(child, { prefix })`: the child's tools, resources and prompts served by the parent under prefixed
 * names (`<prefix>_<name>`) and URIs (`scheme://<prefix>/rest`).
 *
 * Mounting copies the child's registrations at that moment, and the child refuses registrations afterwards, rather
 * than delegating to the child at call time: a task is created by one process and run by another (`taskmcp worker`
 * loads the parent's module), so every tool must be in the parent's registry by name when the module has loaded.
 * The copied tools keep what the child resolved (task mode, ttl, retry, timeout, dependencies), as its resources and
 * prompts keep their task settings, and run on the parent's engine; the child's middleware goes with them as a layer
 * inside the parent's.
 */
import { ResourceTemplate } from '@modelcontextprotocol/server';
import type { Registration } from './ambient-calls.js';
import type { Middleware, MiddlewareLayer } from './middleware.js';
import { checkToolName, type ToolDefinition, type ToolRegistry } from './registry.js';

export interface MountOptions {
  /** Prepended to the child's tool, prompt and resource names (`<prefix>_<name>`) and resource URIs. */
  prefix: string;
}

/** What mounting reads from a child and adds to its parent. */
export interface Composable {
  name: string;
  registry: ToolRegistry;
  resourcesAndPrompts: Registration[];
  middleware: readonly Middleware[];
}

// Lower case: the prefix becomes the host of `http(s)://` resource URIs, which URL parsing lower-cases.
const PREFIX = /^[a-z][a-z0-9_-]{0,63}$/;

/** Add `child`'s registrations to `parent` under `options.prefix`; all or nothing. */
export function mountServer(parent: Composable, child: Composable, options: MountOptions): void {
  const prefix = checkPrefix(options, child.name);
  const refuse = (problem: string) =>
    new Error(`Cannot mount '${child.name}' on '${parent.name}' with prefix '${prefix}': ${problem}.`);
  const withLayer = (name: string, layers: readonly MiddlewareLayer[] | undefined) =>
    child.middleware.length > 0 ? [{ name, middleware: [...child.middleware] }, ...(layers ?? [])] : layers;

  const tools: ToolDefinition[] = child.registry.list().map((tool) => ({
    ...tool,
    name: `${prefix}_${tool.name}`,
    layers: withLayer(tool.name, tool.layers),
  }));
  const resourcesAndPrompts = child.resourcesAndPrompts.map((registration): Registration => {
    const layers = withLayer(registration.name, registration.layers);
    const name = `${prefix}_${registration.name}`;
    if (registration.kind === 'prompt') return { ...registration, name, layers };
    const { uriOrTemplate } = registration;
    const prefixed =
      typeof uriOrTemplate === 'string'
        ? prefixUri(uriOrTemplate, prefix)
        : prefixTemplate(uriOrTemplate, prefix);
    if (prefixed === undefined) {
      throw refuse(
        `the URI of resource '${registration.name}', ${String(typeof uriOrTemplate === 'string' ? uriOrTemplate : uriOrTemplate.uriTemplate)}, has no 'scheme://' to insert the prefix after`,
      );
    }
    return { ...registration, name, uriOrTemplate: prefixed, layers };
  });

  // Check everything before adding anything, so that a refused mount leaves the parent as it was.
  for (const tool of tools) {
    if (parent.registry.get(tool.name)) throw refuse(`a tool named '${tool.name}' is already registered`);
    checkToolName(tool.name);
  }
  for (const registration of resourcesAndPrompts) {
    const clash = clashOf(parent.resourcesAndPrompts, registration);
    if (clash) throw refuse(`${clash} is already registered`);
  }
  for (const tool of tools) parent.registry.add(tool);
  parent.resourcesAndPrompts.push(...resourcesAndPrompts);
}

/** Add a resource or prompt registration, refusing one the SDK would refuse (later, on the first request). */
export function addRegistration(owner: Composable, registration: Registration): void {
  const clash = clashOf(owner.resourcesAndPrompts, registration);
  if (clash) throw new Error(`On '${owner.name}', ${clash} is already registered.`);
  owner.resourcesAndPrompts.push(registration);
}

/**
 * `scheme://rest` with the prefix inserted as the first segment: `scheme://<prefix>/rest`; `undefined` for a URI
 * without `://` (such as `urn:x`), which has no place for it.
 */
export function prefixUri(uri: string, prefix: string): string | undefined {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s.exec(uri);
  return match ? `${match[1]}://${prefix}/${match[2]}` : undefined;
}

function checkPrefix(options: MountOptions | undefined, child: string): string {
  const prefix = options?.prefix;
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
    throw new TypeError(
      `Mount '${child}' with a prefix of 1-64 lower-case letters, digits, '_' or '-', starting with a letter; got ${JSON.stringify(prefix)}.`,
    );
  }
  return prefix;
}

/** The same template under the prefixed URI template; the resources its list callback returns are prefixed too. */
function prefixTemplate(template: ResourceTemplate, prefix: string): ResourceTemplate | undefined {
  const uriTemplate = prefixUri(template.uriTemplate.toString(), prefix);
  if (uriTemplate === undefined) return undefined;
  const list = template.listCallback;
  const complete = Object.fromEntries(
    template.uriTemplate.variableNames.flatMap((variable) => {
      const callback = template.completeCallback(variable);
      return callback ? [[variable, callback]] : [];
    }),
  );
  return new ResourceTemplate(uriTemplate, {
    list:
      list &&
      (async (ctx) => {
        const listed = await list(ctx);
        return {
          ...listed,
          resources: listed.resources.map((resource) => ({
            ...resource,
            uri: prefixUri(resource.uri, prefix) ?? resource.uri,
          })),
        };
      }),
    complete,
  });
}

/** What `registration` collides with among `resourcesAndPrompts`, described for an error message; `undefined` if nothing. */
function clashOf(
  resourcesAndPrompts: readonly Registration[],
  registration: Registration,
): string | undefined {
  if (registration.kind === 'prompt') {
    return resourcesAndPrompts.some((other) => other.kind === 'prompt' && other.name === registration.name)
      ? `a prompt named '${registration.name}'`
      : undefined;
  }
  const key = uriKey(registration.uriOrTemplate);
  for (const other of resourcesAndPrompts) {
    if (other.kind !== 'resource') continue;
    if (uriKey(other.uriOrTemplate) === key) return `a resource with the URI ${key}`;
    // The SDK keys templates by name (fixed resources by URI).
    const templates =
      typeof other.uriOrTemplate !== 'string' && typeof registration.uriOrTemplate !== 'string';
    if (templates && other.name === registration.name) return `a resource template named '${other.name}'`;
  }
  return undefined;
}

function uriKey(uriOrTemplate: string | ResourceTemplate): string {
  return typeof uriOrTemplate === 'string' ? uriOrTemplate : uriOrTemplate.uriTemplate.toString();
}
