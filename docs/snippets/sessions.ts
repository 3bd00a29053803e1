// Type-checked code for the Sessions section of docs/legacy.md. Each //#region is shown verbatim on that page.
import { TaskMCP } from 'taskmcp';

//#region options
const server = new TaskMCP({
  name: 'files',
  version: '1.0.0',
  sessions: { idleTimeoutMs: 10 * 60_000, maxSessions: 500 }, // or `sessions: true` for the defaults
});

//#endregion

export { server };
