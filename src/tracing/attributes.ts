/**
 * Span attribute names. Those of the OpenTelemetry semantic conventions for MCP and GenAI tool execution
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/mcp/, status: development) are used as they are; the
 * conventions have nothing for background tasks, so the task attributes live under our own `taskmcp.` prefix
 * rather than squatting in `mcp.`, which the conventions own.
 */
export const MCP_METHOD_NAME = 'mcp.method.name';
export const MCP_SESSION_ID = 'mcp.session.id';
export const MCP_PROTOCOL_VERSION = 'mcp.protocol.version';
export const JSONRPC_REQUEST_ID = 'jsonrpc.request.id';
export const RPC_RESPONSE_STATUS_CODE = 'rpc.response.status_code';
export const ERROR_TYPE = 'error.type';
export const GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
export const GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const GEN_AI_PROMPT_NAME = 'gen_ai.prompt.name';
export const MCP_RESOURCE_URI = 'mcp.resource.uri';
export const NETWORK_TRANSPORT = 'network.transport';
export const NETWORK_PROTOCOL_NAME = 'network.protocol.name';

export const TASK_ID = 'taskmcp.task.id';
export const TASK_LEG = 'taskmcp.task.leg';
export const TASK_ATTEMPT = 'taskmcp.task.attempt';

/** `gen_ai.operation.name` of a tool call; `error.type` of a result with `isError` (both from the conventions). */
export const EXECUTE_TOOL = 'execute_tool';
export const TOOL_ERROR = 'tool_error';
