/**
 * The 2025-11-25 era. Until the experimental tasks wire (SEP-1686) is served here, tools run in the foreground on
 * this era and tools that can only run as tasks are refused with -32601, the code that era prescribes.
 */
import { ProtocolError, ProtocolErrorCode } from '../../errors.js';
import type { ToolDefinition } from '../../server/registry.js';

export function routeToolCall(tool: ToolDefinition): 'foreground' {
  if (tool.task.mode === 'required') {
    throw new ProtocolError(
      ProtocolErrorCode.MethodNotFound,
      `Tool '${tool.name}' only runs as a task, which needs the tasks extension of protocol 2026-07-28.`,
    );
  }
  return 'foreground';
}
