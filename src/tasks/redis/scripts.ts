/**
 * The Lua scripts behind the Redis store: one script per transition, so each is one round trip and atomic.
 * They are defined as commands on the connection, which ioredis sends as EVALSHA (the source once per server),
 * and which creation also sends inside a MULTI with its first leg (see transaction.ts).
 *
 * The scripts build owner keys from `ownerPrefix` (all keys share one hash tag, so they stay in one Cluster slot).
 */
import type { Redis } from 'ioredis';

/** Remove ended tasks whose retention passed from their owner's listing (at most ARGV max per call). */
const PRUNE = `
local function prune(expiring, ownerPrefix, now, max)
  local gone = redis.call('ZRANGEBYSCORE', expiring, '-inf', now, 'LIMIT', 0, max)
  for _, member in ipairs(gone) do
    local space = string.find(member, ' ', 1, true)
    redis.call('ZREM', ownerPrefix .. string.sub(member, 1, space - 1), string.sub(member, space + 1))
    redis.call('ZREM', expiring, member)
  end
  return #gone
end
`;

/**
 * Insert a task: the record and its context (no expiry: a task is never removed before it ends), its place in the
 * owner's listing and in the live set. Refuses when a limit is reached (after pruning what has expired).
 * KEYS: record, context, owner set, live, expiring. ARGV: record JSON, context, task id, createdAt, checkAt (or ''), now,
 * per-owner limit (or -1), total limit (or -1), owner prefix.
 * Returns 1, 0 (the id exists), -1 (per-owner limit) or -2 (total limit).
 */
const INSERT = `${PRUNE}
local now, perOwner, total = ARGV[6], tonumber(ARGV[7]), tonumber(ARGV[8])
prune(KEYS[5], ARGV[9], now, 100)
local function full()
  if perOwner >= 0 and redis.call('ZCARD', KEYS[3]) >= perOwner then return -1 end
  if total >= 0 and redis.call('ZCARD', KEYS[4]) + redis.call('ZCARD', KEYS[5]) >= total then return -2 end
  return 0
end
if full() ~= 0 then
  prune(KEYS[5], ARGV[9], now, 10000)
  local refused = full()
  if refused ~= 0 then return refused end
end
if not redis.call('SET', KEYS[1], ARGV[1], 'NX') then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3])
if ARGV[5] ~= '' then redis.call('ZADD', KEYS[4], ARGV[5], ARGV[3]) end
return 1`;

/**
 * Compare-and-set of a record, with the bookkeeping its status implies, and the change announced on the events
 * channel in the same step. Optimistic concurrency without WATCH (which would need a connection per update).
 * KEYS: record, context, live, expiring, events channel. ARGV: expected JSON, next JSON, task id, checkAt (or ''),
 * expiresAt (or ''), expiring member, event message (or '').
 * Returns 1 when written, the current JSON when it differs from the expected one, nil when there is no record.
 */
const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
if not current then return nil end
if current ~= ARGV[1] then return current end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
if ARGV[5] ~= '' then
  redis.call('PEXPIREAT', KEYS[1], ARGV[5])
  redis.call('DEL', KEYS[2])
  redis.call('ZREM', KEYS[3], ARGV[3])
  redis.call('ZADD', KEYS[4], ARGV[5], ARGV[6])
elseif ARGV[4] ~= '' then
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3])
end
if ARGV[7] ~= '' then redis.call('PUBLISH', KEYS[5], ARGV[7]) end
return 1`;

/**
 * The reconciler's work list, for one process at a time: take the turn (a short lock), prune expired listings,
 * and return the overdue live tasks. KEYS: lock, live, expiring. ARGV: lock ms, token, now, limit, owner prefix.
 */
const DUE_FOR_CHECK = `${PRUNE}
if not redis.call('SET', KEYS[1], ARGV[2], 'NX', 'PX', ARGV[1]) then return {} end
prune(KEYS[3], ARGV[5], ARGV[3], 1000)
return redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[3], 'LIMIT', 0, ARGV[4])`;

type Args = Array<string | number>;

export interface ScriptCommands {
  taskmcpInsert(...keysThenArgs: Args): Promise<number>;
  taskmcpCompareAndSet(...keysThenArgs: Args): Promise<number | string | null>;
  taskmcpDueForCheck(...keysThenArgs: Args): Promise<string[]>;
}

export function withScripts(redis: Redis): Redis & ScriptCommands {
  const scripted = redis as Redis & Partial<ScriptCommands>;
  if (!scripted.taskmcpInsert) redis.defineCommand('taskmcpInsert', { numberOfKeys: 5, lua: INSERT });
  if (!scripted.taskmcpCompareAndSet)
    redis.defineCommand('taskmcpCompareAndSet', { numberOfKeys: 5, lua: COMPARE_AND_SET });
  if (!scripted.taskmcpDueForCheck)
    redis.defineCommand('taskmcpDueForCheck', { numberOfKeys: 3, lua: DUE_FOR_CHECK });
  return redis as Redis & ScriptCommands;
}
