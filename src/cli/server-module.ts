/**
 * Load a server module given as `path[:export]`: a TypeScript file runs with no build step (through tsx), and the
 * module's default export, the named export, or its only TaskMCP export is the server.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TaskMCP } from '../server/taskmcp.js';
import { usageError } from './exit-codes.js';

/** What the CLI needs of a server. Checked by shape: the module may load its own copy of taskmcp. */
export type LoadedServer = Pick<TaskMCP, 'name' | 'version' | 'run' | 'start' | 'close' | 'fetch' | 'engine'>;

export interface ServerModuleSpec {
  path: string;
  exportName?: string;
}

const TYPESCRIPT = /\.(c|m)?tsx?$/;

/** Split `server.ts:api` into the file and the export name (a drive letter or a path with colons stays whole). */
export function parseServerSpec(spec: string): ServerModuleSpec {
  const colon = spec.lastIndexOf(':');
  if (colon > 1) {
    const exportName = spec.slice(colon + 1);
    const path = spec.slice(0, colon);
    if (/^[A-Za-z_$][\w$]*$/.test(exportName) && existsSync(resolve(path))) return { path, exportName };
  }
  return { path: spec };
}

/** Whether `--server` names a module rather than an HTTP endpoint. */
export function isModuleSpec(spec: string): boolean {
  return !/^https?:\/\//i.test(spec);
}

export async function loadServer(spec: string): Promise<LoadedServer> {
  const { path, exportName } = parseServerSpec(spec);
  const file = resolve(path);
  if (!existsSync(file)) throw usageError(`Server module not found: ${path}`);
  if (TYPESCRIPT.test(file)) await registerTypeScript();
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  if (exportName) {
    const named = module[exportName];
    if (!isServer(named)) throw usageError(`${path} has no TaskMCP export named '${exportName}'.`);
    return named;
  }
  if (isServer(module.default)) return module.default;
  const servers = Object.entries(module).filter(([, value]) => isServer(value));
  if (servers.length === 1) return servers[0]![1] as LoadedServer;
  if (servers.length > 1) {
    const names = servers.map(([name]) => name).join(', ');
    throw usageError(`${path} exports several servers (${names}): pick one with ${path}:<export>.`);
  }
  throw usageError(
    `${path} exports no TaskMCP server: add \`export default server\` (or name one with ${path}:<export>).`,
  );
}

let registered = false;

/** tsx's loader, once per process (it is a no-op cost when the CLI itself already runs under tsx). */
async function registerTypeScript(): Promise<void> {
  if (registered) return;
  registered = true;
  const { register } = await import('tsx/esm/api');
  register();
}

function isServer(value: unknown): value is LoadedServer {
  if (!value || typeof value !== 'object') return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.name === 'string' &&
    typeof candidate.run === 'function' &&
    typeof candidate.start === 'function' &&
    typeof candidate.close === 'function' &&
    typeof candidate.fetch === 'function' &&
    typeof candidate.tool === 'function'
  );
}
