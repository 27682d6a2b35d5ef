import type { Attributes } from "@opentelemetry/api";
import type { AnyValueMap } from "../runtime/log-api.js";
import type { Identity } from "../context/identity.js";
import { anonymousFingerprint, claimKind, subjectOf } from "../context/identity.js";
import type { OpSpec } from "./ops.js";
import { AOTP_SPEC, AotpKey, EnvpodKey } from "./keys.js";
import { share } from "../runtime/shared-values.js";

/** The envpod / AOT half of a wrapper's fixed attributes. */
export interface EnvpodFacts {
  readonly spec: OpSpec;
  readonly op: string;
  readonly fn: string;
  readonly intent: string | undefined;
  readonly action: string | undefined;
  readonly mode: string;
  readonly identity: Identity;
}

export function staticEnvpod(facts: EnvpodFacts, into: Attributes): void {
  into[AotpKey.SPEC] = AOTP_SPEC;
  into[AotpKey.OP] = facts.spec.aotpOp;
  into[EnvpodKey.OP] = facts.op;
  into[EnvpodKey.FN] = facts.fn;
  into[EnvpodKey.PID] = facts.identity.pid;
  if (facts.identity.podId !== undefined) into[EnvpodKey.POD_ID] = facts.identity.podId;
  into[EnvpodKey.CAPTURE_MODE] = facts.mode;
  into[EnvpodKey.CLAIM_KIND] = claimKind(facts.identity);
  if (facts.identity.claimId !== undefined) into[EnvpodKey.CLAIM_ID] = facts.identity.claimId;
  if (facts.intent !== undefined) into[EnvpodKey.INTENT] = facts.intent;
  if (facts.action !== undefined) into[EnvpodKey.ACTION] = facts.action;
}

/** The correlation ids of one record; `trace_id`/`span_id` in W3C hex as on the wire. */
export interface RecordIds {
  readonly sessionId: string;
  readonly runId: string;
  readonly stepId: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly correlationId: string | undefined;
  /**
   * The envelope's `ids` part, built by the first envelope of the call and shared (frozen) by
   * the others: every record of a call carries the same ids. Undefined until then.
   */
  idsPart: AnyValueMap | undefined;
}

export function idAttributes(ids: RecordIds, identity: Identity, into: Attributes): void {
  into[AotpKey.SESSION_ID] = ids.sessionId;
  into[AotpKey.RUN_ID] = ids.runId;
  into[AotpKey.STEP_ID] = ids.stepId;
  if (ids.correlationId !== undefined) into[AotpKey.CORRELATION_ID] = ids.correlationId;
  if (identity.claimId === undefined) into[EnvpodKey.ANONYMOUS_FINGERPRINT] = anonymousFingerprint(identity, ids.sessionId);
}

/**
 * The attributes of a log record coat emits for a call or a tie: what a log pipeline routes and
 * correlates on without the span, nothing else (docs/records.md). `aotp.kind` is set per record
 * by emitRecord(); the key comes first so every record has the same key order.
 */
export function recordAttributes(ids: RecordIds, op: string, fn: string): Attributes {
  const into: Attributes = { [AotpKey.KIND]: "", [AotpKey.SESSION_ID]: ids.sessionId, [AotpKey.RUN_ID]: ids.runId, [AotpKey.STEP_ID]: ids.stepId };
  if (ids.correlationId !== undefined) into[AotpKey.CORRELATION_ID] = ids.correlationId;
  into[EnvpodKey.OP] = op;
  into[EnvpodKey.FN] = fn;
  return into;
}

/**
 * A captured value as the envelope's `payload.preview` holds it: the very text the span carries
 * (`input.value`, `output.value`, `envpod.tie.data`), rendered once, with its media type.
 */
export function previewPart(key: "input" | "output" | "data", text: string, isJson: boolean): AnyValueMap {
  // One literal per key: each shape is a constant map, where a computed key is not.
  const mime = isJson ? JSON_MIME : TEXT_MIME;
  return key === "input" ? { input: text, mime_type: mime } : key === "output" ? { output: text, mime_type: mime } : { data: text, mime_type: mime };
}

const JSON_MIME = "application/json";
const TEXT_MIME = "text/plain";

/** What an envelope says beyond its ids: the op's facts and the payload. */
export interface EnvelopeFacts {
  readonly op: string;
  readonly fn: string;
  readonly mode: string;
  readonly intent: string | undefined;
  readonly action: string | undefined;
  readonly identity: Identity;
}

/**
 * The AOT envelope (`aotp/0.1`), the body of every log record coat emits. `payload` is the
 * record's own (`fn` first, as every payload starts), used as is.
 */
export function envelope(kind: string, ids: RecordIds, facts: EnvelopeFacts, payload: AnyValueMap): AnyValueMap {
  return {
    spec: AOTP_SPEC,
    kind,
    ts: isoNow(),
    ids: (ids.idsPart ??= idsPart(ids)),
    subject: subjectPart(facts.identity),
    capture: capturePart(facts.mode),
    payload,
    envpod: envpodPart(facts, ids.sessionId),
  } as AnyValueMap;
}

function idsPart(ids: RecordIds): AnyValueMap {
  const part: AnyValueMap = {
    session_id: ids.sessionId,
    run_id: ids.runId,
    step_id: ids.stepId,
    trace_id: ids.traceId,
    span_id: ids.spanId,
    parent_span_id: ids.parentSpanId,
  };
  if (ids.correlationId !== undefined) part.correlation_id = ids.correlationId;
  // Frozen, as the other parts records share: no record's body can change another's.
  return Object.freeze(part);
}

// The parts that stay the same from record to record are built once and shared (frozen).
const subjects = new WeakMap<Identity, AnyValueMap>();
const captures = new Map<string, AnyValueMap>();
const envpods = new WeakMap<EnvelopeFacts, { sessionId: string; identity: Identity; part: AnyValueMap }>();

function subjectPart(identity: Identity): AnyValueMap {
  let part = subjects.get(identity);
  if (part === undefined) subjects.set(identity, (part = share(subjectOf(identity))));
  return part;
}

function capturePart(mode: string): AnyValueMap {
  let part = captures.get(mode);
  if (part === undefined) captures.set(mode, (part = share({ mode })));
  return part;
}

function envpodPart(facts: EnvelopeFacts, sessionId: string): AnyValueMap {
  const last = envpods.get(facts);
  const identity = facts.identity;
  if (last !== undefined && last.sessionId === sessionId && last.identity === identity) return last.part;
  const part: AnyValueMap = { pid: identity.pid, uid: identity.uid, claim_kind: claimKind(identity), op: facts.op };
  if (identity.podId !== undefined) part.pod_id = identity.podId;
  if (identity.claimId !== undefined) part.agent_claim_id = identity.claimId;
  else part.anonymous = { pid: identity.pid, uid: identity.uid, session: sessionId, fingerprint: anonymousFingerprint(identity, sessionId) };
  if (facts.intent !== undefined) part.intent = facts.intent;
  if (facts.action !== undefined) part.action = facts.action;
  envpods.set(facts, { sessionId, identity, part: share(part) });
  return part;
}

let lastMs = -1;
let lastIso = "";

/** The current time as ISO 8601, built once per millisecond. */
function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
