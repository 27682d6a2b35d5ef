/** Attribute keys of the envpod / AOT dialect. OpenInference and OTel keys come from their packages. */
export const AOTP_SPEC = "aotp/0.1";

export const AotpKey = {
  SPEC: "aotp.spec",
  OP: "aotp.op",
  KIND: "aotp.kind",
  SESSION_ID: "aotp.session_id",
  RUN_ID: "aotp.run_id",
  STEP_ID: "aotp.step_id",
  CORRELATION_ID: "aotp.correlation_id",
} as const;

/** The delivery path's own records: a loss report's attributes (see docs/durability.md). */
export const DeliveryKey = {
  EVENT: "agent-coat.delivery.loss",
  DESTINATION: "envpod.delivery.destination",
  CAUSE: "envpod.delivery.cause",
  LOST: "envpod.delivery.lost",
  OUTCOME: "envpod.delivery.outcome",
} as const;

/** Governance: the decision on a call (on its span and records) and the decision record's keys. */
export const PolicyKey = {
  DECISION: "envpod.policy.decision",
  POLICY: "envpod.policy.name",
  REASON: "envpod.policy.reason",
  /** Every policy evaluated, as `name=decision`. */
  EVALUATED: "envpod.policy.evaluated",
  LATENCY_MS: "envpod.policy.latency_ms",
  /** `call` (before it ran) or `result`. */
  STAGE: "envpod.policy.stage",
  /** Argument paths a redact() replaced; `*` for a modify(). */
  CHANGED: "envpod.policy.changed",
  APPROVED: "envpod.policy.approved",
  APPROVED_BY: "envpod.policy.approved_by",
  APPROVED_AT: "envpod.policy.approved_at",
} as const;

/** Event name (and `aotp.kind`) of the decision record, and the name of the span event. */
export const POLICY_DECISION_EVENT = "agent.policy.decision";

export const EnvpodKey = {
  OP: "envpod.op",
  FN: "envpod.fn",
  PID: "envpod.pid",
  POD_ID: "envpod.pod_id",
  CAPTURE_MODE: "envpod.capture.mode",
  CLAIM_KIND: "envpod.claim_kind",
  CLAIM_ID: "envpod.agent_claim_id",
  ANONYMOUS_FINGERPRINT: "envpod.anonymous.fingerprint",
  INTENT: "envpod.intent",
  ACTION: "envpod.action",
  TIE_NAME: "envpod.tie.name",
  TIE_DATA: "envpod.tie.data",
  STREAM_CHUNKS: "envpod.stream.chunks",
  STREAM_ABANDONED: "envpod.stream.abandoned",
  ERROR_TYPE: "envpod.error.type",
  /** LLM calls: how many of the oldest input messages did not fit the span's attribute count limit. */
  LLM_INPUT_MESSAGES_OMITTED: "envpod.llm.input_messages.omitted",
  /** An SDK's own span for the request of a coat LLM call, kept as its transport child (no kind of its own, no tokens). */
  LLM_TRANSPORT: "envpod.llm.transport",
  /** A span another library wrote in a different dialect, translated by agent-coat's processors: its dialect. */
  TRANSLATED_FROM: "envpod.translated_from",
  /** The LLM shape (SDK) a call was recognised as, e.g. `openai.chat`. */
  LLM_SHAPE: "envpod.llm.shape",
  /** RUN / SESSION spans: running totals of the LLM calls inside (cost is an estimate, USD). */
  LLM_CALLS: "envpod.llm.calls",
  LLM_TOKENS_TOTAL: "envpod.llm.token_count.total",
  LLM_COST_TOTAL: "envpod.llm.cost.total",
} as const;

/** Span event that marks the first chunk of a streamed result (time to first token). */
export const FIRST_CHUNK_EVENT = "coat.stream.first_chunk";

/**
 * Hash-chain seal attributes (docs/canonical-form.md). Every sealed span and log record carries
 * CHAIN, SEQ, PREV and HASH; form v2 adds VERSION and CHECKPOINTS (checkpoints issued in the chain
 * before the record), both hashed. A checkpoint adds CHECKPOINT_FINAL and, when signed, KEY_ID and
 * SIGNATURE: in log chains on a checkpoint record of its own; in v2 span chains on an ordinary
 * sealed span, outside that span's hash.
 */
export const SealKey = {
  CHAIN: "envpod.seal.chain",
  SEQ: "envpod.seal.seq",
  PREV: "envpod.seal.prev",
  HASH: "envpod.seal.hash",
  VERSION: "envpod.seal.v",
  CHECKPOINTS: "envpod.seal.checkpoints",
  CHECKPOINT_FINAL: "envpod.seal.checkpoint.final",
  KEY_ID: "envpod.seal.key_id",
  SIGNATURE: "envpod.seal.signature",
} as const;

/** Event name of checkpoint log records (and, in form v1, the name of checkpoint spans). */
export const SEAL_CHECKPOINT_NAME = "envpod.seal.checkpoint";
