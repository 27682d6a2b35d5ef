/**
 * `agent-coat/openai-agents`: the OpenAI Agents SDK's traces as agent-coat records. Nothing of
 * `@openai/agents` is imported: `addTraceProcessor(new CoatAgentsProcessor())`.
 */
export { CoatAgentsProcessor } from "./processor.js";
