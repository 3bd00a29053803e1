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
 * A Lua function of its keys and arguments, so it runs alone ({@link COMPARE_AND_SET}) or ahead of BullMQ's job
 * completion ({@link compareAndSetThenFinish}).
 * K: record, context, live, expiring, events channel. A: expected JSON, next JSON, task id, checkAt (or ''),
 * expiresAt (or ''), expiring member, event message (or '').
 * Returns 1 when written, the current JSON when it differs from the expected one, 0 when there is no record.
 */
const COMPARE_AND_SET_FUNCTION = `
local function compareAndSet(K, A)
  local current = redis.call('GET', K[1])
  if not current then return 0 end
  if current ~= A[1] then return current end
  if A[5] ~= '' then
    redis.call('SET', K[1], A[2], 'PXAT', A[5])
    redis.call('DEL', K[2])
    redis.call('ZREM', K[3], A[3])
    redis.call('ZADD', K[4], A[5], A[6])
  else
    redis.call('SET', K[1], A[2], 'KEEPTTL')
    if A[4] ~= '' then redis.call('ZADD', K[3], A[4], A[3]) end
  end
  if A[7] ~= '' then redis.call('PUBLISH', K[5], A[7]) end
  return 1
end
`;
export const COMPARE_AND_SET_KEYS = 5;
const COMPARE_AND_SET_ARGS = 7;
const COMPARE_AND_SET = `${COMPARE_AND_SET_FUNCTION}
return compareAndSet(KEYS, ARGV)`;

/**
 * A compare-and-set of a record, then BullMQ's own script that completes the leg's job (and fetches the next one):
 * a finished leg is one round trip instead of two. Both always run, as they would one after the other: the record
 * is written even if BullMQ refuses (a lost lock), so a result is never dropped; the job is completed even if the
 * record moved on (the caller then retries the write alone).
 * Keys: BullMQ's, then the compare-and-set's; arguments likewise (the compare-and-set's are taken from the end).
 * Returns `{ compare-and-set reply, BullMQ's reply }`.
 */
export function compareAndSetThenFinish(finishLua: string): string {
  return `${COMPARE_AND_SET_FUNCTION}
local carriedKeys, carriedArgs = {}, {}
for i = 1, ${COMPARE_AND_SET_KEYS} do carriedKeys[i] = KEYS[#KEYS - ${COMPARE_AND_SET_KEYS} + i] end
for i = 1, ${COMPARE_AND_SET_ARGS} do carriedArgs[i] = ARGV[#ARGV - ${COMPARE_AND_SET_ARGS} + i] end
local written = compareAndSet(carriedKeys, carriedArgs)
local function finish()
${finishLua}
end
return { written, finish() }`;
}

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
  taskmcpCompareAndSet(...keysThenArgs: Args): Promise<number | string>;
  taskmcpDueForCheck(...keysThenArgs: Args): Promise<string[]>;
}

export function withScripts(redis: Redis): Redis & ScriptCommands {
  const scripted = redis as Redis & Partial<ScriptCommands>;
  if (!scripted.taskmcpInsert) redis.defineCommand('taskmcpInsert', { numberOfKeys: 5, lua: INSERT });
  if (!scripted.taskmcpCompareAndSet)
    redis.defineCommand('taskmcpCompareAndSet', { numberOfKeys: COMPARE_AND_SET_KEYS, lua: COMPARE_AND_SET });
  if (!scripted.taskmcpDueForCheck)
    redis.defineCommand('taskmcpDueForCheck', { numberOfKeys: 3, lua: DUE_FOR_CHECK });
  return redis as Redis & ScriptCommands;
}
