/** Command-line parsing on `node:util` parseArgs, with the usage errors the CLI reports. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { usageError } from './exit-codes.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** The parsed values of `options`: strings and booleans, each possibly absent. */
export type ParsedValues<O extends OptionSpec> = {
  [K in keyof O]?: O[K] extends { type: 'boolean' } ? boolean : string;
};

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

export const SERVER_OPTIONS = {
  server: { type: 'string', short: 's' },
  token: { type: 'string' },
} as const satisfies OptionSpec;

export function parse<const O extends OptionSpec>(
  argv: string[],
  options: O,
): { values: ParsedValues<O>; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: parsed.values as ParsedValues<O>, positionals: parsed.positionals };
  } catch (error) {
    throw usageError((error as Error).message);
  }
}

/** A non-negative integer option (milliseconds, ports, counts). */
export function integerOption(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min) {
    throw usageError(`--${name} must be an integer of at least ${min}, got '${value}'.`);
  }
  return number;
}

/**
 * Tool arguments from `key=value` words and `--args '{json}'`: a value that parses as JSON is taken as JSON
 * (`n=3`, `ok=true`, `tags=["a"]`), anything else as a string (`title=Q3 report`). Words override `--args`.
 */
export function toolArguments(words: string[], json: string | undefined): Record<string, unknown> {
  let args: Record<string, unknown> = {};
  if (json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (error) {
      throw usageError(`--args is not valid JSON: ${(error as Error).message}`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw usageError('--args must be a JSON object.');
    }
    args = parsed as Record<string, unknown>;
  }
  for (const word of words) {
    const equals = word.indexOf('=');
    if (equals <= 0) throw usageError(`Tool arguments are key=value pairs; got '${word}'.`);
    const raw = word.slice(equals + 1);
    args[word.slice(0, equals)] = jsonOrString(raw);
  }
  return args;
}

function jsonOrString(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
