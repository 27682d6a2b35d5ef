/**
 * `agent-coat/testing`: record what an agent does in a test, and assert on its behaviour.
 *
 * ```ts
 * const trace = await record(() => agent("What is the weather in Paris?"));
 * assertToolCalled(trace, "get_weather", { times: 1, args: [{ city: "Paris" }] });
 * assertNoErrors(trace);
 * ```
 */
export { record } from "./record.js";
export type { RecordOptions } from "./record.js";
export { loadTrace, traceFromText } from "./load.js";
export { traceFromLines } from "./trace-model.js";
export type { CallError, TokenCounts, Trace, TraceCall, TraceRun } from "./trace-model.js";
export {
  assertCallOrder,
  assertCostAtMost,
  assertDurationAtMost,
  assertErrored,
  assertMaxDepth,
  assertNoErrors,
  assertNotCalled,
  assertSealed,
  assertTokensAtMost,
  assertToolCalled,
  toolCalls,
  totalCost,
  totalTokens,
} from "./assertions.js";
export type { ToolCalledOptions } from "./assertions.js";
export { renderTrace } from "./render.js";
export type { RenderOptions } from "./render.js";
