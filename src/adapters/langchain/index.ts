/**
 * `agent-coat/langchain`: LangChain.js (`@langchain/core` 1.x, an optional peer) runs recorded as
 * agent-coat calls. `new CoatCallbackHandler()` goes in a call's `callbacks`; `coatLangChain()`
 * adds one handler to every run through LangChain's configure hook (a context variable, set where
 * it is called: call it at startup, outside any run).
 */
import { registerConfigureHook, setContextVariable } from "@langchain/core/context";
import { CoatCallbackHandler } from "./handler.js";
import type { CoatOptions } from "../../wrap/options.js";

export { CoatCallbackHandler };

const CONTEXT_VARIABLE = "agent-coat.langchain";
let registered = false;

export function coatLangChain(options: CoatOptions = {}): CoatCallbackHandler {
  const handler = new CoatCallbackHandler(options);
  if (!registered) {
    registerConfigureHook({ contextVar: CONTEXT_VARIABLE, inheritable: true });
    registered = true;
  }
  setContextVariable(CONTEXT_VARIABLE, handler);
  return handler;
}
