/**
 * `agent-coat/mcp`: the Model Context Protocol (`@modelcontextprotocol/sdk`, an optional peer;
 * nothing of it is imported here). coatMcpClient() records a client's tool calls, resource reads
 * and prompt fetches and sends the trace context in each request's `_meta`; coatMcpServer()
 * records a server's tool handlers under the client's trace.
 */
export { coatMcpClient } from "./client.js";
export { coatMcpServer } from "./server.js";
export { contextFromMeta, traceMeta } from "./trace-meta.js";
