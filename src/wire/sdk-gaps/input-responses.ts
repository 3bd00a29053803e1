/**
 * `inputResponses` the SDK would silently turn into `{}` (`partitionInputResponses` in SDK 2.4; no upstream issue
 * filed yet), refused before any handler sees them.
 */
import type { JSONRPCMessage, McpServer } from '@modelcontextprotocol/server';
import { abbreviate, jsonKind, ProtocolErrorCode } from '../../errors.js';
import { isPlainObject } from '../json-body.js';

/**
 * Answer `-32602` to any request whose `inputResponses` member is present but not an object, before the SDK lifts it.
 *
 * Gap: the SDK lifts `inputResponses` out of every request's params (its multi-round-trip seam) and turns a value
 * that is not a plain object into `{}` (`partitionInputResponses` in SDK 2.4; no upstream issue filed yet), so a
 * handler cannot tell `inputResponses: null`, `"x"`, `42` or `[]` from `{}`, and `tasks/update` would acknowledge a
 * malformed answer as an empty one. `McpServer.connect` is where every serving unit (HTTP request, stdio connection)
 * hands over its transport, so the check wraps the transport's `onmessage` there: the request never reaches a
 * handler, whatever its method, and its error goes back on its own stream.
 */
export function rejectMalformedInputResponses(server: McpServer): void {
  const connect = server.connect.bind(server);
  server.connect = async (transport) => {
    await connect(transport);
    const deliver = transport.onmessage;
    if (!deliver) return;
    transport.onmessage = (message, extra) => {
      const problem = inputResponsesProblem(message);
      if (problem === undefined) return deliver(message, extra);
      void transport.send(problem).catch(() => {}); // the client went away: nothing left to tell it
    };
  };
}

function inputResponsesProblem(message: JSONRPCMessage): JSONRPCMessage | undefined {
  if (!('method' in message) || !('id' in message)) return undefined;
  const params: unknown = message.params;
  if (!isPlainObject(params) || !Object.hasOwn(params, 'inputResponses')) return undefined;
  const value = params.inputResponses;
  if (isPlainObject(value)) return undefined;
  return {
    jsonrpc: '2.0',
    id: message.id,
    error: {
      code: ProtocolErrorCode.InvalidParams,
      message: `Invalid params for ${abbreviate(message.method)}: inputResponses must be an object mapping each input key to the client's response, not ${jsonKind(value)}.`,
    },
  };
}
