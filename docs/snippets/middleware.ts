// Type-checked code for the Middleware section of docs/composing.md. Each //#region is shown verbatim on that page.
import {
  getAccessToken,
  getHttpHeaders,
  isInputRequiredResult,
  type Middleware,
  ProtocolError,
  TaskMCP,
  ToolError,
} from 'taskmcp';
import { rateLimit, requireScopes, timing } from 'taskmcp/middleware';

declare const audit: { record(entry: Record<string, unknown>): Promise<void> };
declare const cache: { get(key: string): string | undefined };

const server = new TaskMCP({ name: 'notes', version: '1.0.0' });

//#region function
// Sees every tool call (foreground or task leg), resource read and prompt get.
const auditTrail: Middleware = async (call, next) => {
  const user = getAccessToken()?.claims.sub ?? 'anonymous'; // the caller, here as in the handler
  try {
    return await next();
  } finally {
    await audit.record({ kind: call.kind, name: call.name, user, task: call.context.taskId });
  }
};
server.use(auditTrail);
//#endregion

//#region hooks
server.use({
  // Typed per kind: a hook's call and result are those of its kind; kinds without a hook pass through.
  async tool(call, next) {
    if (call.name === 'lookup') {
      const hit = cache.get(String(call.arguments.term));
      if (hit) return { content: [{ type: 'text', text: hit }] }; // answers without the handler
    }
    // The handler gets the arguments passed on; the result can be changed on the way back.
    const result = await next({ ...call, arguments: { ...call.arguments, locale: 'en' } });
    if (isInputRequiredResult(result) || !result.isError) return result;
    return { ...result, content: [...result.content, { type: 'text', text: 'See https://status.example' }] };
  },
  async resource(call, next) {
    // A template resource's variables are matched again from the URI passed on.
    if (call.uri.protocol === 'legacy-notes:')
      return next({ ...call, uri: new URL(`notes:${call.uri.pathname}`) });
    return next();
  },
});
//#endregion

//#region errors
server.use(async (call, next) => {
  if (call.kind === 'tool' && call.name.startsWith('admin_') && !getHttpHeaders()['x-admin-session']) {
    // A ProtocolError: a JSON-RPC error in the foreground, a failed task in a leg.
    throw new ProtocolError(-32050, 'Admin tools need an admin session.', { header: 'x-admin-session' });
  }
  if (call.kind === 'tool' && call.name === 'export' && new Date().getUTCHours() < 6) {
    // Anything else: an isError result for a tool (its message kept: a ToolError), -32603 for a resource or prompt.
    throw new ToolError('Exports run from 06:00 UTC.');
  }
  return next();
});
//#endregion

export function shipped(notes: TaskMCP) {
  //#region shipped
  notes
    .use(timing()) // first: times everything below it; one log line per call on stderr
    .use(requireScopes((call) => (call.name.startsWith('write_') ? ['notes:write'] : ['notes:read'])))
    .use(rateLimit({ limit: 100, windowMs: 60_000 })); // per principal, per process
  //#endregion
}

export function resource(notes: TaskMCP) {
  //#region resource
  notes.resource('my-notes', 'notes://mine', { mimeType: 'application/json' }, async (uri) => {
    const user = getAccessToken()?.claims.sub; // the caller of this resources/read, as in a tool
    if (!user) throw new ProtocolError(-32050, 'Sign in to read your notes.');
    return { contents: [{ uri: uri.href, text: JSON.stringify(await notesOf(String(user))) }] };
  });
  //#endregion
}

declare function notesOf(user: string): Promise<string[]>;
