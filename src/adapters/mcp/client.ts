import { context } from "@opentelemetry/api";
import { Op } from "../../dialects/ops.js";
import { coat } from "../../wrap/coat.js";
import type { CoatOptions } from "../../wrap/options.js";
import { traceMeta } from "./trace-meta.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFunction = (this: any, ...args: any[]) => any;

const METHODS = [
  { method: "callTool", op: Op.TOOL, nameOf: (p: Params) => str(p?.name) ?? "tool", input: (p: Params) => p?.arguments },
  { method: "readResource", op: Op.RETRIEVER, nameOf: (p: Params) => str(p?.uri) ?? "resource", input: (p: Params) => p?.uri },
  { method: "getPrompt", op: Op.RETRIEVER, nameOf: (p: Params) => str(p?.name) ?? "prompt", input: (p: Params) => p?.arguments },
] as const;

type Params = { name?: unknown; uri?: unknown; arguments?: unknown; _meta?: Record<string, unknown> } | undefined;

const COATED = Symbol.for("agent-coat.mcp.client");
const MAX_WRAPPERS = 256;

/**
 * An MCP client (`@modelcontextprotocol/sdk`'s `Client`) with `callTool` recorded as TOOL calls
 * and `readResource` / `getPrompt` as RETRIEVER calls, named by the tool, the resource URI and
 * the prompt. Each request carries the call's trace context in `params._meta` (`traceparent`,
 * `tracestate`), so a server recorded by coatMcpServer() continues the trace. The client's own
 * methods are replaced on the instance, which is returned; calling it twice changes nothing.
 */
export function coatMcpClient<C extends object>(client: C, options: CoatOptions = {}): C {
  if (client === null || typeof client !== "object") throw new TypeError("agent-coat: coatMcpClient(client) needs an MCP Client");
  if ((client as { [COATED]?: true })[COATED]) return client;
  const target = client as Record<string, unknown>;
  for (const { method, op, nameOf, input } of METHODS) {
    const original = target[method];
    if (typeof original !== "function") continue;
    const wrappers = new Map<string, AnyFunction>();
    const wrapperFor = (name: string): AnyFunction => {
      let wrapped = wrappers.get(name);
      if (wrapped === undefined) {
        const send = async function (this: unknown, params: Params, ...rest: unknown[]): Promise<unknown> {
          // Inside the call: its span is the parent the server continues from.
          const meta = { ...params?._meta, ...traceMeta(context.active()) };
          return Reflect.apply(original as AnyFunction, this, [{ ...params, _meta: meta }, ...rest]);
        };
        wrapped = coat(op, { captureInput: (args: unknown[]) => input(args[0] as Params), ...options, name }, send);
        if (wrappers.size >= MAX_WRAPPERS) wrappers.delete(wrappers.keys().next().value!);
        wrappers.set(name, wrapped);
      }
      return wrapped;
    };
    target[method] = function (this: unknown, params: Params, ...rest: unknown[]): unknown {
      return wrapperFor(nameOf(params)).apply(this, [params, ...rest]);
    };
  }
  Object.defineProperty(client, COATED, { value: true });
  return client;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
