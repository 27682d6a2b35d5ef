/**
 * `agent-coat/claude-agent-sdk`: the Claude Agent SDK (`@anthropic-ai/claude-agent-sdk`, an
 * optional peer; nothing of it is imported here) recorded from its hooks. coatQuery(query) makes
 * each `query()` one trace; coatClaudeHooks() gives the hooks alone, for `options.hooks`.
 */
import { ClaudeSessionRecorder } from "./hooks.js";
import type { ClaudeHooks, ClaudeHooksOptions } from "./hooks.js";

export { coatQuery } from "./query.js";
export type { CoatQueryOptions } from "./query.js";
export type { ClaudeHooks, ClaudeHooksOptions } from "./hooks.js";

/** Hooks for `query({ options: { hooks } })` that record the session, its tool uses and sub-agents (merge them with your own per event). */
export function coatClaudeHooks(options: ClaudeHooksOptions = {}): ClaudeHooks {
  return new ClaudeSessionRecorder(options).hooks;
}
