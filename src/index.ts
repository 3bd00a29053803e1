/**
 * taskmcp: MCP servers whose tools run as durable background tasks.
 *
 * Explicit named exports only: this list is the public API.
 */

export type {
  AuthInfo,
  CallToolResult,
  InputRequiredResult,
  OAuthTokenVerifier,
} from '@modelcontextprotocol/server';
export {
  acceptedContent,
  inputRequired,
  inputResponse,
  isInputRequiredResult,
} from '@modelcontextprotocol/server';
export type { AccessToken } from './auth/access-token.js';
export { type JwtVerifierOptions, jwtVerifier } from './auth/jwt.js';
export { ANONYMOUS, principalOf } from './auth/principal.js';
export { type StaticTokenGrant, staticTokenVerifier } from './auth/static.js';
export {
  CREDENTIAL_HEADERS,
  getAccessToken,
  getHttpHeaders,
  getHttpRequest,
  type HttpHeadersOptions,
} from './context/accessors.js';
export { currentContext, getContext, type LogLevel, type TaskMCPContext } from './context/context.js';
export { ENCRYPTION_KEY_ENV } from './context/encryption.js';
export { SNAPSHOT_VERSION, type TaskContextSnapshot } from './context/snapshot.js';
export {
  DASHBOARD_TOKEN_ENV,
  type DashboardOptions,
  type DashboardSite,
  type TaskDetail,
  type TaskSummary,
} from './dashboard/index.js';
export { deps, type Progress } from './deps/builtins.js';
export type {
  Dependencies,
  DependencyFactories,
  DependencyFactory,
  DependencyValue,
} from './deps/dependencies.js';
export {
  type JsonRpcErrorObject,
  ProtocolError,
  ProtocolErrorCode,
  TASKS_EXTENSION,
  TaskErrorCode,
  ToolError,
} from './errors.js';
export {
  type MetricsOptions,
  type MetricsServerOptions,
  type RunningMetricsServer,
  serveMetrics,
  TaskMetrics,
} from './metrics/index.js';
export type { ServerLogger } from './server/logger.js';
export type {
  CallResults,
  Middleware,
  MiddlewareCall,
  MiddlewareFunction,
  MiddlewareHooks,
  MiddlewareResult,
  Next,
  PromptCall,
  ResourceCall,
  ToolCall,
} from './server/middleware.js';
export type { MountOptions } from './server/mount.js';
export type { RunOptions, TaskMCPOptions } from './server/options.js';
export type {
  TaskMode,
  TaskOptions,
  ToolConfig,
  ToolHandler,
} from './server/registry.js';
export type { ToolReturn } from './server/results.js';
export type { HttpRoute } from './server/serve.js';
export { TaskMCP } from './server/taskmcp.js';
export {
  ComposedTaskEngine,
  type ComposedTaskEngineOptions,
  TaskAbortReason,
  type TaskEngine,
} from './tasks/engine.js';
export { InvalidCursorError, type TaskPage } from './tasks/listing.js';
export { MemoryTaskEventBus } from './tasks/memory/bus.js';
export { MemoryTaskEngine, type MemoryTaskEngineOptions } from './tasks/memory/engine.js';
export { MemoryTaskQueue } from './tasks/memory/queue.js';
export { MemorySessionEventLog } from './tasks/memory/session-events.js';
export { MemoryTaskStore } from './tasks/memory/store.js';
export type { EngineObserver } from './tasks/observer.js';
export type { ReconcileReport } from './tasks/reconciler.js';
export { TASKS_URL_ENV } from './tasks/resolve.js';
export {
  type LegDelivery,
  type QueuedLeg,
  type RecentQuery,
  type TaskEvent,
  type TaskEventBus,
  TaskLimitError,
  type TaskLimits,
  type TaskQueue,
  type TaskStore,
} from './tasks/seams.js';
export {
  type SessionEvent,
  type SessionEventBounds,
  type SessionEventLog,
  type SessionEventLogFactory,
  SessionEventNotKeptError,
  type SessionStream,
} from './tasks/session-events.js';
export type { SessionRelay } from './tasks/session-relay.js';
export { retentionFromCreation } from './tasks/transitions.js';
export { DURABILITY_DEFAULTS, type DurabilityOptions, type EngineLog } from './tasks/tuning.js';
export type {
  CreateTaskSpec,
  InputRequestEntry,
  LegOutcome,
  LegRun,
  LegRunner,
  RetryPolicy,
  TaskRecord,
  TaskStatus,
} from './tasks/types.js';
