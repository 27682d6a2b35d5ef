import { OpenInferenceSpanKind } from "@arizeai/openinference-semantic-conventions";

/** The operations coat() knows. Any other string is accepted as a custom domain tag. */
export const Op = {
  SESSION: "session",
  RUN: "run",
  STEP: "step",
  LLM: "llm",
  TOOL: "tool",
  MEMORY: "memory",
  SUBAGENT: "subagent",
  HUMAN: "human",
  AGENT: "agent",
  CHAIN: "chain",
  RETRIEVER: "retriever",
  EMBEDDING: "embedding",
} as const;

export type KnownOp = (typeof Op)[keyof typeof Op];
/** An `Op` member or any custom domain tag. */
export type OpName = KnownOp | (string & {});

/** How one op appears in the AOT taxonomy and in OpenInference. */
export interface OpSpec {
  /** `aotp.op`, e.g. `agent.llm`. */
  readonly aotpOp: string;
  /** AOT kind of the log record emitted when the call starts. */
  readonly start: string;
  /** AOT kind of the log record emitted when the call settles normally. */
  readonly end: string;
  /** AOT kind of the log record emitted when the call fails. */
  readonly error: string;
  /** AOT kind of a tie() record inside the call. */
  readonly event: string;
  readonly spanKind: OpenInferenceSpanKind;
}

function spec(family: string, start: string, end: string, spanKind: OpenInferenceSpanKind): OpSpec {
  const op = `agent.${family}`;
  return { aotpOp: op, start: `${op}.${start}`, end: `${op}.${end}`, error: `${op}.error`, event: `${op}.event`, spanKind };
}

/**
 * The AOT taxonomy: our reading of envpod's 16 core operations (session, run, step, llm, tool,
 * memory and subagent start/end pairs, human request/response), plus four OpenInference-only
 * families. Failures of any family are `<family>.error`; tie() records are `<family>.event`.
 */
export const AOT_TABLE: Readonly<Record<KnownOp, OpSpec>> = {
  session: spec("session", "start", "end", OpenInferenceSpanKind.CHAIN),
  run: spec("run", "start", "end", OpenInferenceSpanKind.AGENT),
  step: spec("step", "start", "end", OpenInferenceSpanKind.CHAIN),
  llm: spec("llm", "request", "response", OpenInferenceSpanKind.LLM),
  tool: spec("tool", "request", "response", OpenInferenceSpanKind.TOOL),
  memory: spec("memory", "request", "response", OpenInferenceSpanKind.RETRIEVER),
  subagent: spec("subagent", "spawn", "result", OpenInferenceSpanKind.AGENT),
  human: spec("human", "request", "response", OpenInferenceSpanKind.CHAIN),
  agent: spec("invoke", "request", "response", OpenInferenceSpanKind.AGENT),
  chain: spec("chain", "start", "end", OpenInferenceSpanKind.CHAIN),
  retriever: spec("retriever", "request", "response", OpenInferenceSpanKind.RETRIEVER),
  embedding: spec("embedding", "request", "response", OpenInferenceSpanKind.EMBEDDING),
};

/** Custom domain tags are steps of the agent: CHAIN spans, the tag kept in `envpod.op`. */
const CUSTOM_SPEC = AOT_TABLE.step;

/** AOT kind of a tie() record made outside any coat call. */
export const FREE_EVENT_KIND = "agent.event";

export function opSpec(op: string): OpSpec {
  return Object.prototype.hasOwnProperty.call(AOT_TABLE, op) ? AOT_TABLE[op as KnownOp] : CUSTOM_SPEC;
}
