import { context } from "@opentelemetry/api";
import { Op } from "../../dialects/ops.js";
import { isAsyncFunction } from "../../govern/policy.js";
import { coat } from "../../wrap/coat.js";
import type { CoatOptions } from "../../wrap/options.js";
import { contextFromMeta } from "./trace-meta.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFunction = (this: any, ...args: any[]) => any;

const COATED = Symbol.for("agent-coat.mcp.server");

/** What a registered handler is called with, per kind: the part that is the call's input. */
type Input = (args: unknown[]) => unknown;
// A tool or prompt with arguments is called (args, extra), one without (extra) or (undefined,
// extra): the extra is never the input, and one without arguments records {}.
const argumentsOf: Input = (args) => (args.length > 1 && args[0] !== undefined ? args[0] : {});
// A resource is read (uri, extra), a resource template (uri, variables, extra).
const resourceOf: Input = (args) => ({ uri: String(args[0]), ...(args.length > 2 && { variables: args[1] }) });

const REGISTRATIONS: ReadonlyArray<readonly [method: string, op: string, input: Input]> = [
  ["registerTool", Op.TOOL, argumentsOf],
  ["tool", Op.TOOL, argumentsOf],
  ["registerResource", Op.RETRIEVER, resourceOf],
  ["resource", Op.RETRIEVER, resourceOf],
  ["registerPrompt", Op.RETRIEVER, argumentsOf],
  ["prompt", Op.RETRIEVER, argumentsOf],
];

/**
 * An MCP server (`@modelcontextprotocol/sdk`'s `McpServer`) whose handlers registered after this
 * call run as calls named by what they serve: tools (`registerTool()`, the older `tool()`) as TOOL
 * calls with the tool's arguments as input, resources (`registerResource()`, `resource()`) as
 * RETRIEVER calls with the URI (and a template's variables), prompts (`registerPrompt()`,
 * `prompt()`) as RETRIEVER calls with the prompt's arguments. A request whose `_meta` carries a
 * `traceparent` (coatMcpClient() sends one) continues the client's trace: the handler's span is a
 * child of the client's call. The request's extra is never recorded. The server is returned, its
 * methods replaced.
 */
export function coatMcpServer<S extends object>(server: S, options: CoatOptions = {}): S {
  if (server === null || typeof server !== "object") throw new TypeError("agent-coat: coatMcpServer(server) needs an McpServer");
  if ((server as { [COATED]?: true })[COATED]) return server;
  const target = server as Record<string, unknown>;
  for (const [method, op, input] of REGISTRATIONS) {
    const original = target[method];
    if (typeof original !== "function") continue;
    target[method] = function (this: unknown, name: unknown, ...rest: unknown[]): unknown {
      let at = rest.length - 1;
      while (at >= 0 && typeof rest[at] !== "function") at--;
      if (typeof name === "string" && at >= 0) rest[at] = coatedHandler(op, name, input, rest[at] as AnyFunction, options);
      return Reflect.apply(original as AnyFunction, this, [name, ...rest]);
    };
  }
  Object.defineProperty(server, COATED, { value: true });
  return server;
}

function coatedHandler(op: string, name: string, input: Input, handler: AnyFunction, options: CoatOptions): AnyFunction {
  const wrapped = coat(op, { captureInput: input, async: isAsyncFunction(handler), ...options, name }, function (this: unknown, ...args: unknown[]) {
    return Reflect.apply(handler, this, args);
  });
  const run = function (this: unknown, ...args: unknown[]): unknown {
    const extra = args[args.length - 1] as { _meta?: unknown } | undefined;
    return context.with(contextFromMeta(extra?._meta, context.active()), () => Reflect.apply(wrapped, this, args));
  };
  Object.defineProperty(run, "length", { value: handler.length });
  return run;
}
