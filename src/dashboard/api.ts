/**
 * The dashboard's JSON API, below `<path>api/`:
 *
 *   GET  tasks?status=&tool=&limit=   the most recent tasks the viewer may see, newest first
 *   GET  tasks/<id>                   one task with its arguments and outcome
 *   POST tasks/<id>/cancel            cancel it (idempotent), answering its summary
 *   GET  events?status=&tool=&limit=  the live stream (see events.ts)
 *
 * Every call needs a bearer token (see access.ts). A task the viewer may not see answers 404, exactly like a task
 * that does not exist, so ids of other principals cannot be probed.
 */
import type { TaskEngine } from '../tasks/engine.js';
import type { RecentQuery } from '../tasks/seams.js';
import type { TaskStatus } from '../tasks/types.js';
import { Access } from './access.js';
import { eventStream } from './events.js';
import { detailOf, STATUSES, summaryOf } from './views.js';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1_000;

const NO_STORE = { 'cache-control': 'no-store' };

export class DashboardApi {
  constructor(
    private readonly engine: () => TaskEngine,
    private readonly access: Access,
  ) {}

  /** Answer `request` for `route`, the part of the path below `api/`. */
  async handle(request: Request, route: string): Promise<Response> {
    const viewer = await this.access.viewerOf(request);
    if (viewer instanceof Response) return viewer;
    const engine = this.engine();
    const url = new URL(request.url);
    if (route === 'tasks' || route === 'events') {
      if (request.method !== 'GET') return methodNotAllowed('GET');
      const query = recentQuery(url.searchParams);
      if (typeof query === 'string') return json({ error: query }, 400);
      if (!viewer.admin) query.owner = viewer.owner;
      if (route === 'events') return eventStream(engine, viewer, query, request.signal);
      const records = await engine.listRecent(query);
      const queueDepth = viewer.admin ? await engine.queueDepth() : undefined;
      return json({
        viewer: { admin: viewer.admin },
        now: Date.now(),
        queueDepth,
        tasks: records.map((record) => summaryOf(record, viewer.admin)),
      });
    }
    const match = /^tasks\/([^/]+)(\/cancel)?$/.exec(route);
    if (!match) return json({ error: `No dashboard API at ${url.pathname}.` }, 404);
    const taskId = decoded(match[1]!);
    const cancel = match[2] !== undefined;
    if (request.method !== (cancel ? 'POST' : 'GET')) return methodNotAllowed(cancel ? 'POST' : 'GET');
    const record = await engine.get(taskId);
    if (!record || !Access.sees(viewer, record.owner)) {
      return json({ error: `No task ${taskId} (it may have expired).` }, 404);
    }
    if (!cancel) return json({ task: detailOf(record, viewer.admin) });
    const cancelled = (await engine.cancel(taskId)) ?? record;
    return json({ task: summaryOf(cancelled, viewer.admin) });
  }
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The filters of a list or stream request, or what is wrong with them. */
export function recentQuery(params: URLSearchParams): RecentQuery | string {
  const query: RecentQuery = { limit: DEFAULT_LIMIT };
  const status = params.get('status');
  if (status) {
    if (!STATUSES.includes(status as TaskStatus))
      return `Unknown status '${status}': use ${STATUSES.join(', ')}.`;
    query.status = status as TaskStatus;
  }
  const tool = params.get('tool');
  if (tool) query.toolName = tool;
  const limit = params.get('limit');
  if (limit) {
    const number = Number(limit);
    if (!Number.isInteger(number) || number < 1 || number > MAX_LIMIT) {
      return `limit must be an integer from 1 to ${MAX_LIMIT}, got '${limit}'.`;
    }
    query.limit = number;
  }
  return query;
}

function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: NO_STORE });
}

function methodNotAllowed(allowed: string): Response {
  return Response.json(
    { error: `Use ${allowed}.` },
    { status: 405, headers: { ...NO_STORE, allow: allowed } },
  );
}
