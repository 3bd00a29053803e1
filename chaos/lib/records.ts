/**
 * Finding task records the harness never heard of. A front end killed between storing a record and answering
 * the client leaves a task nobody holds an id for; if it was also never queued, it stays `working` until its
 * TTL, an orphan. To count them, the harness lists every task id the deployment has in Redis, from the record
 * keys (`…:task:<id>`) and the per-owner listings (sorted sets under `…:owner:…`), and asks a front end for the
 * status of each through tasks/get, so the record's own format can change without breaking the count.
 */
import type { Redis } from 'ioredis';
import { getTask, isTerminal } from './mcp.js';
import { until, withTimeout } from './wait.js';

const RECORD_KEY = /:task:([^:{}]+)$/;
const OWNER_KEY = /:owner:/;

/** Every task id of the deployment `name` found in Redis. */
export async function taskIdsInRedis(redis: Redis, name: string, timeoutMs = 20_000): Promise<Set<string>> {
  const ids = new Set<string>();
  const scan = async () => {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `*${name}*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const record = RECORD_KEY.exec(key);
        if (record) ids.add(record[1]!);
        else if (OWNER_KEY.test(key) && (await redis.type(key)) === 'zset') {
          for (const id of await redis.zrange(key, 0, -1)) ids.add(id);
        }
      }
    } while (cursor !== '0');
  };
  await withTimeout(scan(), timeoutMs, 'scanning Redis for task records');
  return ids;
}

export interface OrphanScan {
  /** Ids found in Redis. */
  ids: string[];
  /** Found ids still not terminal at the deadline (never reached terminal, nobody will finish them). */
  orphans: string[];
  /** Found ids the server no longer knows (expired between the scan and the read). */
  gone: number;
}

/** Poll every task id in Redis through `url()` until all are terminal or `deadline` passes. */
export async function scanOrphans(
  redis: Redis,
  name: string,
  url: () => URL,
  deadline: number,
): Promise<OrphanScan> {
  const ids = await taskIdsInRedis(redis, name);
  const open = new Set(ids);
  let gone = 0;
  await until(
    async () => {
      for (const id of [...open]) {
        try {
          const view = await getTask(url(), id, 5_000);
          if (view === null) gone++;
          if (view === null || isTerminal(view.status)) open.delete(id);
        } catch {
          // front end unreachable this round
        }
      }
      return open.size === 0;
    },
    Math.max(0, deadline - Date.now()),
    250,
  );
  return { ids: [...ids], orphans: [...open], gone };
}
