/** taskmcp/proxy: a remote MCP server's tools as local tools, tasks forwarded to the backend's tasks. */
export type { ProxyAuth, ProxyOptions } from './options.js';
export { createProxy } from './proxy.js';
