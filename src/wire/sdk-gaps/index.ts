/**
 * Every place taskmcp works around `@modelcontextprotocol/server` 2.4 on the wire, one module per gap, each naming
 * the upstream issue or PR it waits for. Keep workarounds here, and only here, so they can be deleted when the SDK
 * grows a tasks seam (typescript-sdk #2189 tracking; draft PRs #2782 `ext/tasks` and #2820 server extensions): when
 * the SDK catches up with one, its module goes. The client's are in src/client/sdk-gaps.ts.
 */
export { rejectMalformedInputResponses } from './input-responses.js';
export {
  advertiseTaskSupport,
  asLegacyCreateTaskResult,
  notifyOnConnection,
  sendNotification,
  sendTaskRequest,
} from './legacy-tasks.js';
export { interceptRequest } from './read-task-params.js';
export { onServerClose } from './server-close.js';
export { jsonRpcResponseIn, writeOnRequestStream } from './stateless-answers.js';
export { TaskListenGate } from './task-listen.js';
export { serveTaskMethod } from './task-methods.js';
export {
  asToolCallResult,
  dispatchedElsewhere,
  serveToolCalls,
} from './tool-calls.js';
export { withCachedJsonSchema } from './tool-schemas.js';
