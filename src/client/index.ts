/** taskmcp/client: an MCP client that drives tasks transparently. */
export {
  type CallOptions,
  Client,
  type ClientOptions,
  type ConnectTarget,
  type InProcessServer,
  type ReadOptions,
} from './client.js';
export { TaskHandle, type WaitOptions } from './task-handle.js';
export {
  CallTimeoutError,
  TASK_MODE_META,
  TaskCancelledError,
  TaskFailedError,
  type TaskInfo,
  type TaskMode,
  type TaskStatus,
  taskModeOf,
} from './types.js';
