import { context } from "@opentelemetry/api";
import type { ActiveCall } from "../wrap/active-call.js";
import type { CoatCall } from "../wrap/call.js";
import { scopeOf } from "./scope.js";

/** The active coat call, for enrichment (model, token usage, metadata), or undefined outside one. */
export function current(): ActiveCall | undefined {
  return scopeOf(context.active()).call as CoatCall | undefined;
}
