// Type-checked code for the Proxy section of docs/composing.md. Each //#region is shown verbatim on that page.
import { jwtVerifier, TaskMCP } from 'taskmcp';
import { createProxy } from 'taskmcp/proxy';

declare const issuer: { jwksUrl: string; issuer: string; audience: string };

//#region forward
// server.ts: loaded by `taskmcp serve` and by every `taskmcp worker`, so all of them have the proxied tools.
const billing = await createProxy({
  name: 'billing',
  url: 'https://billing.internal.example/mcp', // Streamable HTTP, either protocol era
  auth: 'forward', // each backend call carries its own caller's bearer token
  discoveryBearer: process.env.BILLING_LIST_TOKEN, // lists the backend's tools at start-up (no caller then)
});
const app = new TaskMCP({
  name: 'app',
  version: '1.0.0',
  auth: { verifier: jwtVerifier(issuer) },
  tasks: { engine: process.env.TASKS_URL },
});
app.mount(billing, { prefix: 'billing' }); // billing_<tool>, each with the backend's task mode
export default app;
//#endregion

//#region fixed
// A backend that trusts the proxy rather than its callers: one credential of the proxy's own for every call.
export const search = await createProxy({
  name: 'search',
  url: 'https://search.internal.example/mcp',
  auth: { bearer: process.env.SEARCH_TOKEN ?? '' },
  tools: ['query', 'reindex'], // only these
  pollIntervalMs: 2_000, // between looks at a running backend task (default: the backend's pollIntervalMs)
});
//#endregion
