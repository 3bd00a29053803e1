/** taskmcp/client: an MCP client that drives tasks transparently. */
export { type CallOptions, Client, type ClientOptions, type ConnectTarget } from './client.js';
export { TaskHandle, type WaitOptions } from './task-handle.js';
export {
  CallTimeoutError,
  TaskCancelledError,
  TaskFailedError,
  type TaskInfo,
  type TaskStatus,
} from './types.js';
