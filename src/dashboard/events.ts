/**
 * The dashboard's live feed: Server-Sent Events fed by `engine.watchAll`, which hears every change of every task
 * of this server from any process (front ends and workers alike on Redis). The page reads it with `fetch`, not
 * `EventSource`, so the token travels in the `Authorization` header rather than in the URL.
 *
 * The stream opens with a `snapshot` (the filtered list, read after the watch is live, so no change falls between
 * the two), then sends a `task` event per change the viewer may see and a `stats` event every few seconds (the
 * server's clock and, for the admin, the queue depth). Changes are coalesced per task while the client reads
 * slowly: memory stays bounded by the number of tasks, and the client always gets each task's newest state.
 */
import type { TaskEngine } from '../tasks/engine.js';
import type { RecentQuery } from '../tasks/seams.js';
import type { TaskRecord } from '../tasks/types.js';
import { Access, type Viewer } from './access.js';
import { summaryOf } from './views.js';

const STATS_EVERY_MS = 5_000;
/** Changes of one task within this window go out once. */
const COALESCE_MS = 50;

export function eventStream(
  engine: TaskEngine,
  viewer: Viewer,
  query: RecentQuery,
  signal: AbortSignal,
): Response {
  const encoder = new TextEncoder();
  const pending = new Map<string, TaskRecord>();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let ready = false;
  let closed = false;
  let flushTimer: NodeJS.Timeout | undefined;
  let statsTimer: NodeJS.Timeout | undefined;
  let expiryTimer: NodeJS.Timeout | undefined;
  let unwatch: (() => void) | undefined;

  const send = (event: string, data: unknown) => {
    if (!closed) controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
  };
  const flush = () => {
    flushTimer = undefined;
    if (closed || !ready) return;
    for (const [taskId, record] of pending) {
      if ((controller.desiredSize ?? 1) <= 0) break; // the rest waits for `pull`
      pending.delete(taskId);
      send('task', summaryOf(record, viewer.admin));
    }
  };
  const stats = async () => {
    const now = Date.now();
    const queueDepth = viewer.admin ? await engine.queueDepth().catch(() => undefined) : undefined;
    send('stats', { now, queueDepth });
  };
  const close = () => {
    if (closed) return;
    closed = true;
    unwatch?.();
    clearTimeout(flushTimer);
    clearInterval(statsTimer);
    clearTimeout(expiryTimer);
    pending.clear();
    try {
      controller.close();
    } catch {
      // already closed or cancelled by the reader
    }
  };

  const open = async () => {
    unwatch = await engine.watchAll((record) => {
      if (closed || !Access.sees(viewer, record.owner)) return;
      const known = pending.get(record.taskId);
      if (known && known.lastUpdatedAt > record.lastUpdatedAt) return; // an older read arriving late
      pending.set(record.taskId, record);
      flushTimer ??= setTimeout(flush, COALESCE_MS);
    });
    if (closed) return unwatch();
    const tasks = await engine.listRecent(query);
    const queueDepth = viewer.admin ? await engine.queueDepth().catch(() => undefined) : undefined;
    send('snapshot', {
      viewer: { admin: viewer.admin },
      now: Date.now(),
      queueDepth,
      tasks: tasks.map((record) => summaryOf(record, viewer.admin)),
    });
    ready = true;
    flushTimer ??= setTimeout(flush, COALESCE_MS);
    statsTimer = setInterval(() => void stats(), STATS_EVERY_MS);
    if (!viewer.admin && viewer.expiresAt !== undefined) {
      // A user's view ends with their token; the page then asks for a fresh one.
      const left = viewer.expiresAt * 1000 - Date.now();
      expiryTimer = setTimeout(close, Math.max(0, Math.min(left, 2 ** 31 - 1)));
    }
  };

  const stream = new ReadableStream<Uint8Array>({
    async start(streamController) {
      controller = streamController;
      signal.addEventListener('abort', close, { once: true });
      try {
        await open();
      } catch (error) {
        // Headers are sent already: say why in the stream, then end it (the page reconnects).
        send('failure', { message: `The task engine could not be read: ${(error as Error).message}` });
        close();
      }
    },
    pull() {
      if (pending.size > 0) flush();
    },
    cancel: close,
  });
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    },
  });
}
