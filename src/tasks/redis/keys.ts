/**
 * Redis key layout. Every key of one server shares the hash tag `{<server name>}`, so all of them live in one
 * Redis Cluster slot (multi-key operations and Lua stay legal on Cluster and Valkey).
 */
export interface RedisKeys {
  /** JSON task record, expiring at `createdAt + ttlMs`. */
  task(taskId: string): string;
  /** Context snapshot of the task, same expiry as the record. */
  context(taskId: string): string;
  /** Sorted set of one owner's task ids, scored by expiry; expires with the owner's last task. */
  owner(owner: string): string;
  /** Pub/sub channel for task events. */
  readonly events: string;
  /** BullMQ key prefix (BullMQ appends `:<queue>:…`). */
  readonly queuePrefix: string;
}

export function redisKeys(prefix: string, serverName: string): RedisKeys {
  // `}` would end the hash tag early; `:` and spaces are fine inside it, but keep names readable and safe.
  const tag = `{${encodeURIComponent(serverName)}}`;
  const base = `${prefix}:${tag}`;
  return {
    task: (taskId) => `${base}:task:${taskId}`,
    context: (taskId) => `${base}:ctx:${taskId}`,
    owner: (owner) => `${base}:owner:${encodeURIComponent(owner)}`,
    events: `${base}:events`,
    queuePrefix: base,
  };
}
