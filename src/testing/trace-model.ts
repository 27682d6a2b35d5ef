/**
 * The trace model: what one or more agent runs did, read from OTLP records (a recording's, a file
 * sink's, the Collector file exporter's). Runs hold calls as a tree; every call keeps its span and
 * log records.
 */
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import type { FileLog, FileSpan } from "../cli/otlp-json.js";
import { readOtlpLines } from "../cli/otlp-json.js";
import { AotpKey, EnvpodKey, SealKey, SEAL_CHECKPOINT_NAME } from "../dialects/keys.js";

export interface CallError {
  /** `error.type` (the exception's class name), else the exception event's type. */
  readonly type: string;
  readonly message: string;
}

export interface TokenCounts {
  readonly prompt: number | undefined;
  readonly completion: number | undefined;
  readonly total: number | undefined;
}

export interface TraceCall {
  /** `envpod.op` (`tool`, `llm`, `agent`…), else the OpenInference kind in lower case, else `span`. */
  readonly op: string;
  /** The tool's name for tools, else the span's name. */
  readonly name: string;
  /** OpenInference span kind (`TOOL`, `LLM`…), `UNKNOWN` when the span has none. */
  readonly kind: string;
  /** The call's input as captured: parsed JSON where it was JSON, else the text; undefined when not captured. */
  readonly input: unknown;
  readonly output: unknown;
  readonly error: CallError | undefined;
  /** Milliseconds since the epoch. */
  readonly startTime: number;
  readonly endTime: number;
  readonly durationMs: number;
  readonly model: string | undefined;
  readonly tokens: TokenCounts | undefined;
  /** Estimated cost in USD (`llm.cost.total`), where the price table knows the model. */
  readonly cost: number | undefined;
  readonly sealed: boolean;
  /** 0 for a run's top calls. */
  readonly depth: number;
  readonly children: readonly TraceCall[];
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly span: FileSpan;
  /** The log records of this call (request, response, ties), in time order. */
  readonly logs: readonly FileLog[];
}

export interface TraceRun {
  readonly runId: string;
  readonly sessionId: string;
  /** The run's top calls, in start order. */
  readonly calls: readonly TraceCall[];
}

export interface Trace {
  readonly runs: readonly TraceRun[];
  /** Every call, in start order. */
  readonly calls: readonly TraceCall[];
  readonly spans: readonly FileSpan[];
  readonly logs: readonly FileLog[];
  /** The OTLP JSON documents the trace was read from (one per export), for verification. */
  readonly documents: readonly string[];
}

/** Reads a trace from OTLP JSON lines. */
export function traceFromLines(lines: readonly string[]): Trace {
  const documents = lines.filter((line) => line.trim() !== "");
  const { spans, logs } = readOtlpLines(documents.join("\n"));
  return buildTrace(spans, logs, documents);
}

function buildTrace(allSpans: FileSpan[], allLogs: FileLog[], documents: string[]): Trace {
  const logs = allLogs.filter((l) => l.eventName !== SEAL_CHECKPOINT_NAME).sort(byEmission);
  const logsBySpan = new Map<string, FileLog[]>();
  // Span start times are often only as fine as a millisecond: calls that start within the same
  // one are ordered by their first log record (the request record, emitted at the start).
  const firstLog = new Map<string, number>();
  logs.forEach((log, index) => {
    if (log.spanId === "") return;
    const list = logsBySpan.get(log.spanId) ?? [];
    list.push(log);
    logsBySpan.set(log.spanId, list);
    if (!firstLog.has(log.spanId)) firstLog.set(log.spanId, index);
  });
  const byStart = (a: FileSpan, b: FileSpan): number =>
    compare(a.startNs, b.startNs) || (firstLog.get(a.spanId) ?? Infinity) - (firstLog.get(b.spanId) ?? Infinity) || compare(a.endNs, b.endNs) || a.spanId.localeCompare(b.spanId);
  const spans = dedupe(allSpans.filter((s) => s.name !== SEAL_CHECKPOINT_NAME), (s) => `${s.traceId}/${s.spanId}`).sort(byStart);
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const children = new Map<string, FileSpan[]>();
  const roots: FileSpan[] = [];
  for (const span of spans) {
    if (span.parentSpanId !== "" && byId.has(span.parentSpanId)) {
      const list = children.get(span.parentSpanId) ?? [];
      list.push(span);
      children.set(span.parentSpanId, list);
    } else roots.push(span);
  }
  const calls: TraceCall[] = [];
  const toCall = (span: FileSpan, depth: number): TraceCall => {
    const kids: TraceCall[] = [];
    const call = callOf(span, depth, kids, logsBySpan.get(span.spanId) ?? []);
    calls.push(call);
    for (const kid of children.get(span.spanId) ?? []) kids.push(toCall(kid, depth + 1));
    return call;
  };
  const runs = new Map<string, { runId: string; sessionId: string; calls: TraceCall[] }>();
  for (const root of roots) {
    const call = toCall(root, 0);
    const runId = String(root.attributes[AotpKey.RUN_ID] ?? "");
    let run = runs.get(runId);
    if (run === undefined) runs.set(runId, (run = { runId, sessionId: String(root.attributes[AotpKey.SESSION_ID] ?? root.attributes[SC.SESSION_ID] ?? ""), calls: [] }));
    run.calls.push(call);
  }
  calls.sort((a, b) => byStart(a.span, b.span));
  return { runs: [...runs.values()], calls, spans, logs, documents };
}

function callOf(span: FileSpan, depth: number, children: TraceCall[], logs: FileLog[]): TraceCall {
  const a = span.attributes;
  const kind = typeof a[SC.OPENINFERENCE_SPAN_KIND] === "string" ? String(a[SC.OPENINFERENCE_SPAN_KIND]) : "UNKNOWN";
  const op = typeof a[EnvpodKey.OP] === "string" ? String(a[EnvpodKey.OP]) : kind === "UNKNOWN" ? "span" : kind.toLowerCase();
  const startTime = Number(span.startNs / 1000n) / 1000;
  const endTime = Number(span.endNs / 1000n) / 1000;
  return {
    op,
    name: typeof a[SC.TOOL_NAME] === "string" ? String(a[SC.TOOL_NAME]) : span.name,
    kind,
    input: content(a, SC.INPUT_VALUE, SC.INPUT_MIME_TYPE) ?? logContent(logs, "input"),
    output: content(a, SC.OUTPUT_VALUE, SC.OUTPUT_MIME_TYPE) ?? logContent(logs, "output"),
    error: errorOf(span),
    startTime,
    endTime,
    durationMs: Math.max(0, endTime - startTime),
    model: typeof a[SC.LLM_MODEL_NAME] === "string" ? String(a[SC.LLM_MODEL_NAME]) : undefined,
    tokens: tokensOf(a),
    cost: typeof a[SC.LLM_COST_TOTAL] === "number" ? Number(a[SC.LLM_COST_TOTAL]) : undefined,
    sealed: typeof a[SealKey.HASH] === "string",
    depth,
    children,
    attributes: a,
    span,
    logs,
  };
}

function content(a: Record<string, unknown>, valueKey: string, mimeKey: string): unknown {
  const value = a[valueKey];
  if (typeof value !== "string") return undefined;
  return a[mimeKey] === "application/json" ? parsed(value) : value;
}

/** Without OpenInference on the span (dialects `envpod` only), the content is in the log records' envelopes. */
function logContent(logs: FileLog[], side: "input" | "output"): unknown {
  for (const log of logs) {
    const preview = ((log.body as { payload?: { preview?: Record<string, unknown> } } | null)?.payload?.preview ?? undefined) as Record<string, unknown> | undefined;
    const value = preview?.[side];
    if (typeof value === "string") return preview?.mime_type === "application/json" ? parsed(value) : value;
  }
  return undefined;
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function errorOf(span: FileSpan): CallError | undefined {
  if (span.status.code !== 2) return undefined;
  const exception = span.events.find((e) => e.name === "exception");
  const type = span.attributes["error.type"] ?? exception?.attributes["exception.type"] ?? "Error";
  const message = span.status.message || String(exception?.attributes["exception.message"] ?? "");
  return { type: String(type), message };
}

function tokensOf(a: Record<string, unknown>): TokenCounts | undefined {
  const count = (key: string) => (typeof a[key] === "number" ? Number(a[key]) : undefined);
  const prompt = count(SC.LLM_TOKEN_COUNT_PROMPT);
  const completion = count(SC.LLM_TOKEN_COUNT_COMPLETION);
  const total = count(SC.LLM_TOKEN_COUNT_TOTAL);
  if (prompt === undefined && completion === undefined && total === undefined) return undefined;
  return { prompt, completion, total };
}

function dedupe<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Log records by time, then (same chain) by their seal sequence number: the order they were emitted. */
function byEmission(a: FileLog, b: FileLog): number {
  const byTime = compare(a.timeNs, b.timeNs);
  if (byTime !== 0) return byTime;
  const chain = a.attributes[SealKey.CHAIN];
  if (chain === undefined || chain !== b.attributes[SealKey.CHAIN]) return 0;
  return Number(a.attributes[SealKey.SEQ]) - Number(b.attributes[SealKey.SEQ]);
}
