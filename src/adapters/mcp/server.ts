import { context } from "@opentelemetry/api";
import { Op } from "../../dialects/ops.js";
import { isAsyncFunction } from "../../govern/policy.js";
import { coat } from "../../wrap/coat.js";
import type { CoatOptions } from "../../wrap/options.js";
import { contextFromMeta } from "./trace-meta.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFunction = (this: any, ...args: any[]) => any;

const COATED = Symbol.for("agent-coat.mcp.server");

/**
 * An MCP server (`@modelcontextprotocol/sdk`'s `McpServer`) whose tools, registered after this
 * call with `registerTool()` (or the older `tool()`), run as TOOL calls named by the tool. A
 * request whose `_meta` carries a `traceparent` (coatMcpClient() sends one) continues the
 * client's trace: the tool's span is a child of the client's call. The input recorded is the
 * tool's arguments (not the request's extra). The server is returned, its methods replaced.
 */
export function coatMcpServer<S extends object>(server: S, options: CoatOptions = {}): S {
  if (server === null || typeof server !== "object") throw new TypeError("agent-coat: coatMcpServer(server) needs an McpServer");
  if ((server as { [COATED]?: true })[COATED]) return server;
  const target = server as Record<string, unknown>;
  for (const method of ["registerTool", "tool"]) {
    const original = target[method];
    if (typeof original !== "function") continue;
    target[method] = function (this: unknown, name: unknown, ...rest: unknown[]): unknown {
      let at = rest.length - 1;
      while (at >= 0 && typeof rest[at] !== "function") at--;
      if (typeof name === "string" && at >= 0) rest[at] = coatedHandler(name, rest[at] as AnyFunction, options);
      return Reflect.apply(original as AnyFunction, this, [name, ...rest]);
    };
  }
  Object.defineProperty(server, COATED, { value: true });
  return server;
}

function coatedHandler(name: string, handler: AnyFunction, options: CoatOptions): AnyFunction {
  // A tool with arguments is called (args, extra), one without (extra) or (undefined, extra): the
  // extra is never the input, and a tool without arguments records {}.
  const wrapped = coat(Op.TOOL, { captureInput: (args: unknown[]) => (args.length > 1 && args[0] !== undefined ? args[0] : {}), async: isAsyncFunction(handler), ...options, name }, function (this: unknown, ...args: unknown[]) {
    return Reflect.apply(handler, this, args);
  });
  const run = function (this: unknown, ...args: unknown[]): unknown {
    const extra = args[args.length - 1] as { _meta?: unknown } | undefined;
    return context.with(contextFromMeta(extra?._meta, context.active()), () => Reflect.apply(wrapped, this, args));
  };
  Object.defineProperty(run, "length", { value: handler.length });
  return run;
}
