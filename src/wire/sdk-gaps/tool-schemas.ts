/**
 * A tool's JSON Schema, converted once per process instead of once per request.
 *
 * Gap: `McpServer` memoises a tool's converted `inputSchema` per instance (`toolInputSchemaJson`, which the HTTP
 * entry calls on every 2026-07-28 `tools/call` for its `Mcp-Param-*` header check, and `tools/list`), and
 * `createMcpHandler` wants a fresh instance per request, so the zod-to-JSON-Schema conversion ran on every call
 * (3.1% of server CPU on a sync call in the 2026-07-28 profile). Upstream has no per-process cache or a way to hand it
 * a converted schema (typescript-sdk #2189 tracking; the per-instance memo is `McpServer._toolInputSchemaJson`).
 *
 * The SDK is handed a Standard Schema that validates with the tool's own schema and answers `jsonSchema.input/output`
 * from a cache filled on first use. The cached JSON Schema is frozen: instances share it, so none may change it.
 */
import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server';

type Converter = StandardSchemaWithJSON['~standard']['jsonSchema']['input'];

const wrappers = new WeakMap<StandardSchemaWithJSON, StandardSchemaWithJSON>();

/** `schema` for the SDK, its JSON Schema conversions made once per process (per target) and shared. */
export function withCachedJsonSchema<S extends StandardSchemaWithJSON | undefined>(schema: S): S {
  if (schema === undefined) return schema;
  let wrapper = wrappers.get(schema);
  if (!wrapper) {
    const standard = schema['~standard'];
    wrapper = {
      '~standard': {
        version: standard.version,
        vendor: standard.vendor,
        types: standard.types,
        validate: (value, options) => standard.validate(value, options),
        jsonSchema: {
          input: cachedConversion((options) => standard.jsonSchema.input(options)),
          output: cachedConversion((options) => standard.jsonSchema.output(options)),
        },
      },
    } as StandardSchemaWithJSON;
    wrappers.set(schema, wrapper);
  }
  return wrapper as S;
}

/** `convert`, its result kept per JSON Schema target (the SDK asks for one; other options never vary). */
function cachedConversion(convert: Converter): Converter {
  const byTarget = new Map<string, Record<string, unknown>>();
  return (options) => {
    const key = JSON.stringify(options ?? {});
    let json = byTarget.get(key);
    if (!json) {
      json = deepFreeze(convert(options));
      byTarget.set(key, json);
    }
    return json;
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
