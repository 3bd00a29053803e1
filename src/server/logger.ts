import type { LogLevel } from '../context/context.js';

const RANK: Record<LogLevel, number> = {
  debug: 0,
  info: 1,
  notice: 2,
  warning: 3,
  error: 4,
  critical: 5,
  alert: 6,
  emergency: 7,
};

export type ServerLogger = (level: LogLevel, message: string, data?: unknown) => void;

/**
 * The default logger: one line per entry on stderr (stdout belongs to the stdio transport), at `minimum` and above.
 * `TASKMCP_LOG_LEVEL` overrides the minimum.
 */
export function stderrLogger(minimum: LogLevel = 'info'): ServerLogger {
  const floor = RANK[(process.env.TASKMCP_LOG_LEVEL as LogLevel | undefined) ?? minimum] ?? RANK.info;
  return (level, message, data) => {
    if (RANK[level] < floor) return;
    const suffix = data === undefined ? '' : ` ${safeJson(data)}`;
    process.stderr.write(`${new Date().toISOString()} ${level} ${message}${suffix}\n`);
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
