import type { Attributes, AttributeValue, Context, Span } from "@opentelemetry/api";
import { SpanStatusCode } from "@opentelemetry/api";
import type { AnyValueMap } from "../runtime/log-api.js";
import { ATTR_ERROR_TYPE, ATTR_EXCEPTION_MESSAGE, ATTR_EXCEPTION_STACKTRACE, ATTR_EXCEPTION_TYPE } from "@opentelemetry/semantic-conventions";
import { SemanticConventions } from "@arizeai/openinference-semantic-conventions";
import type { Captured } from "../capture/content.js";
import { captureValue, renderText } from "../capture/content.js";
import { readStringProperty } from "../capture/snapshot.js";
import { callContext } from "../context/call-context.js";
import type { Scope } from "../context/scope.js";
import type { RecordIds } from "../dialects/envpod.js";
import { previewPart } from "../dialects/envpod.js";
import { EnvpodKey, FIRST_CHUNK_EVENT } from "../dialects/keys.js";
import type { TokenUsage } from "../dialects/openinference.js";
import { contentAttributes, metadataAttribute, usageAttributes } from "../dialects/openinference.js";
import { markOwn, markRendered, markScrubbed } from "../runtime/own-marks.js";
import { reportOnce } from "../runtime/report.js";
import type { ActiveCall, LlmFacts } from "./active-call.js";
import { captureHook, captureInputInto } from "./capture-hook.js";
import type { Coating } from "./coating.js";
import { emitRecord } from "./emit.js";
import { errorMessage, errorType } from "./errors.js";
import { StreamAggregate } from "./stream-aggregate.js";
import type { LlmResponse, LlmUsage } from "../llm/exchange.js";
import { LlmRecorder } from "../llm/llm-recorder.js";
import type { LlmOutcome } from "../llm/llm-recorder.js";
import { responseText } from "../llm/llm-recorder.js";
import { Op } from "../dialects/ops.js";
import { observeResolvedStream, quietly, unwatchDropped } from "./streams.js";
import type { LlmCost } from "../llm/cost-attributes.js";
import { costAttributes, currentPrices, estimateCost, isTokenKey, roundCost, usagePart } from "../llm/cost-attributes.js";


/** One wrapped call from start to settle: its span, ids and log records. */
export class CoatCall implements ActiveCall, Scope {
  ctx: Context;
  private settled = false;
  private meta: Record<string, unknown> | undefined;
  private stream: StreamAggregate | undefined;
  /** Model, provider and token counts given through current(), for the end record's `payload.llm`. */
  private facts: { model?: string; provider?: string; tokens?: Attributes } | undefined;
  /** The LLM call's outcome once settled: model, usage, finish reasons (for the end record). */
  private outcome: LlmOutcome | undefined;
  /** RUN / SESSION calls: totals of the LLM calls inside. */
  private totals: { calls: number; tokens: number; cost: number } | undefined;
  private cost: LlmCost | undefined;
  private sawFirstChunk = false;
  /** LLM ops: the result was looked at once (a stream to observe, a result to wait for). */
  private resolved = false;
  /** A gated call's request record, emitted once its policies decided (emitStart()). */
  pendingStart: (() => void) | undefined;

  constructor(
    readonly coating: Coating,
    readonly span: Span,
    parent: Context,
    readonly ids: RecordIds,
    /**
     * The attributes of this call's log records (recordAttributes(): kind, ids, op, fn), never the
     * span's; the end record adds its outcome. Undefined when logs are off.
     */
    private readonly logAttributes: Attributes | undefined,
    /** LLM ops: the call's LLM semantics (shapes, dialects). */
    private llmRecorder?: LlmRecorder,
    /** The coat call this one runs inside, if any: RUN and SESSION calls keep LLM totals. */
    private readonly parentCall?: CoatCall,
  ) {
    this.ctx = callContext(parent, this, span);
  }

  /** Emits the request record a gated call held back for its decision. */
  emitStart(): void {
    const emit = this.pendingStart;
    this.pendingStart = undefined;
    if (emit !== undefined) guard("emitting a log record", emit);
  }

  /**
   * For adapters that learn a call's input only after it started (the OpenAI Agents SDK fills a
   * span's data as it goes): the input, captured as the mode allows, on the span.
   */
  lateInput(args: ArrayLike<unknown>): void {
    guard("recording an input", () => {
      const coating = this.coating;
      if (this.settled || coating.mode === "none") return;
      const attributes: Attributes = {};
      captureInputInto(coating, this.span, args, attributes);
      this.span.setAttributes(attributes);
    });
  }

  /**
   * For adapters that learn an LLM call's request only after it started (the OpenAI Agents SDK's
   * response spans): the request recognised now, its messages, model and tools on the span.
   */
  lateLlmRequest(args: ArrayLike<unknown>): void {
    guard("recording an LLM request", () => {
      const coating = this.coating;
      if (this.settled || coating.llmRules === undefined || this.llmRecorder?.hasRequest === true) return;
      const attributes: Attributes = {};
      // The messages get the room the span has left: it already holds what startCall() wrote.
      const used = Object.keys((this.span as { attributes?: object }).attributes ?? {}).length;
      this.llmRecorder = LlmRecorder.start(coating, args, Math.max(used, coating.staticAttributeCount + 8), attributes);
      markRendered(this.span, attributes);
      this.span.setAttributes(attributes);
    });
  }

  /** Governance: attributes on the call's span and on its own log records from now on, and some on the span only. */
  addPolicyAttributes(attributes: Attributes, spanOnly?: Attributes): void {
    guard("recording a policy decision", () => {
      this.span.setAttributes(attributes);
      if (spanOnly !== undefined) this.span.setAttributes(spanOnly);
      if (this.logAttributes !== undefined) Object.assign(this.logAttributes, attributes);
    });
  }

  /** Governance: a decision that is not a plain allow, as a span event and a decision log record in the call's chain. */
  policyRecord(kind: string, payload: AnyValueMap, attributes: Attributes, error: boolean): void {
    guard("recording a policy decision", () => {
      this.addEvent(kind, attributes);
      if (this.logAttributes === undefined) return;
      const recordAttributes = Object.assign({}, this.logAttributes, attributes);
      emitRecord(kind, error, this.ids, this.coating, payload, recordAttributes, this.ctx);
    });
  }

  /** LLM tokens and cost of the innermost RUN (else SESSION) call around this one, so far. */
  runLlmTotals(): { tokens: number; cost: number } | undefined {
    let session: CoatCall | undefined;
    for (let up: CoatCall | undefined = this; up !== undefined; up = up.parentCall) {
      if (up.op === Op.RUN) return up.totals;
      if (up.op === Op.SESSION) session ??= up;
    }
    return session?.totals;
  }

  /** The call is the scope of everything inside it. */
  get call(): this {
    return this;
  }
  get correlationId(): string | undefined {
    return this.ids.correlationId;
  }

  get op(): string {
    return this.coating.op;
  }
  get name(): string {
    return this.coating.spanName;
  }
  get traceId(): string {
    return this.ids.traceId;
  }
  get spanId(): string {
    return this.ids.spanId;
  }
  get sessionId(): string {
    return this.ids.sessionId;
  }
  get runId(): string {
    return this.ids.runId;
  }
  get stepId(): string {
    return this.ids.stepId;
  }

  llm(facts: LlmFacts): this {
    guard("current().llm", () => {
      if (typeof facts?.model === "string") {
        this.span.setAttribute(SemanticConventions.LLM_MODEL_NAME, facts.model);
        (this.facts ??= {}).model = facts.model;
      }
      if (typeof facts?.provider === "string") {
        this.span.setAttribute(SemanticConventions.LLM_PROVIDER, facts.provider);
        (this.facts ??= {}).provider = facts.provider;
      }
      if (facts?.usage) this.usage(facts.usage);
    });
    return this;
  }

  usage(usage: TokenUsage): this {
    guard("current().usage", () => {
      const attributes: Attributes = {};
      usageAttributes(usage, attributes);
      this.span.setAttributes(attributes);
      const facts = (this.facts ??= {});
      facts.tokens = { ...facts.tokens, ...attributes };
    });
    return this;
  }

  metadata(data: Record<string, unknown>): this {
    guard("current().metadata", () => {
      this.meta = { ...this.meta, ...data };
      const attributes: Attributes = {};
      metadataAttribute(captureValue(this.meta, this.coating.previewLength, false, this.coating.policy, this.coating.snapshotShape).text, attributes);
      this.span.setAttributes(attributes);
    });
    return this;
  }

  setAttribute(key: string, value: AttributeValue): this {
    guard("current().setAttribute", () => {
      this.span.setAttribute(key, value);
    });
    return this;
  }

  /** An event whose content coat rendered itself: marked so the capture processor leaves it be. */
  private addEvent(name: string, attributes: Attributes): void {
    this.span.addEvent(name, attributes);
    const events = (this.span as { events?: unknown }).events;
    if (Array.isArray(events) && events.length > 0) markOwn(events[events.length - 1] as object, this.ids.stepId);
  }

  /** The end record's `payload.llm`: model, provider, token counts (current() first, then the response), finish reasons, cost. */
  private llmPart(): AnyValueMap | undefined {
    const facts = this.facts;
    const outcome = this.outcome;
    const options = this.coating.options;
    const model = facts?.model ?? outcome?.model ?? options.model;
    const provider = facts?.provider ?? outcome?.provider ?? options.provider;
    const count: AnyValueMap = {};
    const tokens = facts?.tokens;
    if (tokens !== undefined) {
      if (tokens[SemanticConventions.LLM_TOKEN_COUNT_PROMPT] !== undefined) count.prompt = tokens[SemanticConventions.LLM_TOKEN_COUNT_PROMPT];
      if (tokens[SemanticConventions.LLM_TOKEN_COUNT_COMPLETION] !== undefined) count.completion = tokens[SemanticConventions.LLM_TOKEN_COUNT_COMPLETION];
      if (tokens[SemanticConventions.LLM_TOKEN_COUNT_TOTAL] !== undefined) count.total = tokens[SemanticConventions.LLM_TOKEN_COUNT_TOTAL];
    } else if (outcome?.usage !== undefined) usagePart(outcome.usage, count);
    const hasCount = Object.keys(count).length > 0;
    if (model === undefined && provider === undefined && !hasCount && outcome?.finishReasons === undefined) return undefined;
    const part: AnyValueMap = {};
    if (model !== undefined) part.model_name = model;
    if (provider !== undefined) part.provider = provider;
    if (hasCount) part.token_count = count;
    if (outcome?.finishReasons !== undefined) part.finish_reasons = [...outcome.finishReasons];
    if (outcome?.responseId !== undefined) part.response_id = outcome.responseId;
    if (this.cost !== undefined) part.cost = this.cost.total;
    return part;
  }

  /** A tie() inside this call: a span event and, with logs on, a record of the op's event kind. False once settled. */
  event(name: string, data: unknown): boolean {
    if (this.settled) return false;
    const coating = this.coating;
    const captured = coating.mode !== "none" && data !== undefined ? captureValue(data, coating.previewLength, coating.errorStack, coating.policy, coating.snapshotShape) : undefined;
    const eventAttributes: Attributes = { [EnvpodKey.TIE_NAME]: name };
    if (captured !== undefined) eventAttributes[EnvpodKey.TIE_DATA] = captured.text;
    this.addEvent(name, eventAttributes);
    if (this.logAttributes === undefined) return true;
    // The call's few routing keys and the tie's name; its data only once, in the envelope.
    const attributes = Object.assign({}, this.logAttributes);
    attributes[EnvpodKey.TIE_NAME] = name;
    const payload: AnyValueMap = { fn: coating.fn, event: name };
    if (captured !== undefined) payload.preview = previewPart("data", captured.text, captured.isJson);
    emitRecord(coating.spec.event, false, this.ids, coating, payload, attributes, this.ctx);
    return true;
  }

  /** The first piece of a result a framework streams itself (LangChain's tokens): the first-chunk event, once. */
  firstChunk(): void {
    if (this.settled || this.sawFirstChunk) return;
    this.sawFirstChunk = true;
    try {
      this.span.addEvent(FIRST_CHUNK_EVENT);
    } catch (error) {
      reportOnce("recording a first chunk", error);
    }
  }

  /** One chunk of a streamed result went by. */
  chunk(value: unknown): void {
    if (this.settled) return;
    try {
      if (this.stream === undefined) {
        this.stream = new StreamAggregate(this.coating.mode !== "none", this.coating.previewLength, this.coating.policy);
        this.span.addEvent(FIRST_CHUNK_EVENT);
      }
      this.stream.add(value);
      this.llmRecorder?.chunk(value);
    } catch (error) {
      reportOnce("recording a stream chunk", error);
    }
  }

  /** A streamed result finished: its aggregate is the output, even when no chunk went by. */
  endStream(): void {
    if (this.settled) return;
    this.stream ??= new StreamAggregate(this.coating.mode !== "none", this.coating.previewLength, this.coating.policy);
    this.end(undefined);
  }

  /** The call returned (or its promise resolved, or its stream finished). */
  end(result: unknown): void {
    if (this.settled) return;
    const llm = this.llmRecorder;
    if (llm !== undefined && this.stream === undefined && !this.resolved) {
      this.resolved = true;
      try {
        // An LLM call whose promise resolves to a stream (an SDK's `create({ stream: true })`) lasts until the stream ends.
        // The promise has done its part: dropping it now is no reason to end the call (the stream is watched instead).
        unwatchDropped(this);
        if (observeResolvedStream(this, result)) return;
        const later = llm.settleLater(result);
        if (later !== undefined) {
          later.then(
            (response) => quietly("recording a result", () => this.settle(result, response)),
            () => quietly("recording a result", () => this.settle(result, undefined)),
          );
          return;
        }
      } catch (error) {
        reportOnce("observing an LLM result", error);
      }
    }
    this.settle(result, undefined);
  }

  private settle(result: unknown, settledResponse: LlmResponse | undefined): void {
    if (this.settled) return;
    this.settled = true;
    unwatchDropped(this);
    try {
      const coating = this.coating;
      const stream = this.stream;
      const llm = this.llmRecorder;
      const response = llm?.responseFor(stream === undefined ? result : undefined, settledResponse);
      let output: Captured | undefined;
      const attributes: Attributes = {};
      if (stream !== undefined) attributes[EnvpodKey.STREAM_CHUNKS] = stream.count;
      if (coating.mode !== "none") {
        output = coating.options.captureOutput !== undefined ? captureHook(coating, "captureOutput", stream === undefined ? result : stream.value())
          : response !== undefined && stream !== undefined ? captureValue(responseText(response), coating.previewLength, coating.errorStack, coating.policy)
          : stream === undefined ? captureHook(coating, "captureOutput", result)
          : stream.captured(coating.errorStack);
        if (coating.dialects.openinference) contentAttributes("output", output.text, output.isJson, attributes);
        if (coating.mode === "redacted" && coating.policy?.pure === true) markScrubbed(this.span, "output", output.text, coating.policy.scrubber);
      }
      if (llm !== undefined) {
        this.recordOutcome(llm.finish(response, attributes), attributes);
        markRendered(this.span, attributes);
      }
      this.span.setAttributes(attributes);
      this.span.setStatus({ code: SpanStatusCode.OK });
      const logAttributes = this.logAttributes;
      if (logAttributes !== undefined) {
        if (stream !== undefined) logAttributes[EnvpodKey.STREAM_CHUNKS] = stream.count;
        const payload: AnyValueMap = { fn: coating.fn };
        if (output !== undefined) payload.preview = previewPart("output", output.text, output.isJson);
        const llmPart = this.llmPart();
        if (llmPart !== undefined) payload.llm = llmPart;
        emitRecord(coating.spec.end, false, this.ids, coating, payload, logAttributes, this.ctx);
      }
    } catch (error) {
      reportOnce("recording a result", error);
    } finally {
      this.endSpan();
    }
  }

  /** An LLM call's outcome: kept for the end record, its cost estimated, added to the enclosing run's and session's totals. */
  private recordOutcome(outcome: LlmOutcome, attributes: Attributes): void {
    this.outcome = outcome;
    const userTokens = this.facts?.tokens !== undefined;
    // Token counts the user gave through current() win over the response's.
    if (userTokens) for (const key of Object.keys(attributes)) if (isTokenKey(key)) delete attributes[key];
    const usage = userTokens ? userUsage(this.facts!.tokens!) : outcome.usage;
    const model = this.facts?.model ?? outcome.model ?? this.coating.options.model;
    const cost = usage === undefined ? undefined : estimateCost(model, usage, currentPrices());
    if (cost !== undefined) {
      this.cost = cost;
      costAttributes(cost, attributes);
    }
    const tokens = usage === undefined ? 0 : usage.total ?? (usage.input ?? 0) + (usage.output ?? 0);
    let seenRun = false;
    let seenSession = false;
    for (let up = this.parentCall; up !== undefined && !(seenRun && seenSession); up = up.parentCall) {
      if ((up.op === Op.RUN && !seenRun) || (up.op === Op.SESSION && !seenSession)) {
        seenRun ||= up.op === Op.RUN;
        seenSession ||= up.op === Op.SESSION;
        up.addLlmTotals(tokens, cost?.total);
      }
    }
  }

  private addLlmTotals(tokens: number, cost: number | undefined): void {
    if (this.settled) return;
    const totals = (this.totals ??= { calls: 0, tokens: 0, cost: 0 });
    totals.calls++;
    totals.tokens += tokens;
    if (cost !== undefined) totals.cost = roundCost(totals.cost + cost);
    const attributes: Attributes = { [EnvpodKey.LLM_CALLS]: totals.calls, [EnvpodKey.LLM_TOKENS_TOTAL]: totals.tokens };
    if (cost !== undefined || totals.cost > 0) attributes[EnvpodKey.LLM_COST_TOTAL] = totals.cost;
    this.span.setAttributes(attributes);
  }

  private endSpan(): void {
    try {
      this.span.end();
    } catch (error) {
      reportOnce("ending a span", error);
    }
  }

  /** The consumer stopped reading a stream before its end (`break`, `return()`, `cancel()`). */
  abandon(): void {
    if (this.settled) return;
    try {
      this.span.setAttribute(EnvpodKey.STREAM_ABANDONED, true);
      if (this.logAttributes !== undefined) this.logAttributes[EnvpodKey.STREAM_ABANDONED] = true; // the end record's outcome
    } catch (error) {
      reportOnce("recording an abandoned stream", error);
    }
    this.end(undefined);
  }

  /** The call threw, its promise rejected or its stream errored. */
  fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    unwatchDropped(this);
    try {
      const coating = this.coating;
      const type = errorType(error);
      const mode = coating.mode;
      const captures = mode !== "none";
      const event: Attributes = { [ATTR_EXCEPTION_TYPE]: type };
      if (captures) {
        event[ATTR_EXCEPTION_MESSAGE] = renderText(errorMessage(error) ?? type, coating.previewLength, coating.policy);
        const stack = coating.errorStack ? readStringProperty(error, "stack") : undefined;
        if (stack !== undefined) event[ATTR_EXCEPTION_STACKTRACE] = renderText(stack, 4 * coating.previewLength, coating.policy);
      }
      this.addEvent("exception", event);
      // A digest or a size says nothing as a status message: those modes show the type there.
      const readable = mode === "raw" || mode === "redacted";
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: readable ? (event[ATTR_EXCEPTION_MESSAGE] as string) : type });
      const attributes: Attributes = { [ATTR_ERROR_TYPE]: type };
      if (this.stream !== undefined) attributes[EnvpodKey.STREAM_CHUNKS] = this.stream.count;
      let extra: Captured | undefined;
      if (captures && coating.options.captureError !== undefined) {
        extra = captureHook(coating, "captureError", error);
        contentAttributes("output", extra.text, extra.isJson, attributes);
      }
      this.span.setAttributes(attributes);
      const logAttributes = this.logAttributes;
      if (logAttributes !== undefined) {
        // The outcome a log pipeline routes on; the message and stack as the span's event has them.
        logAttributes[ATTR_ERROR_TYPE] = type;
        if (this.stream !== undefined) logAttributes[EnvpodKey.STREAM_CHUNKS] = this.stream.count;
        const errorPart: AnyValueMap = { type };
        if (event[ATTR_EXCEPTION_MESSAGE] !== undefined) errorPart.message = event[ATTR_EXCEPTION_MESSAGE];
        if (event[ATTR_EXCEPTION_STACKTRACE] !== undefined) errorPart.stack = event[ATTR_EXCEPTION_STACKTRACE];
        const payload: AnyValueMap = { fn: coating.fn, error: errorPart };
        if (extra !== undefined) payload.preview = previewPart("output", extra.text, extra.isJson);
        const llm = this.llmPart();
        if (llm !== undefined) payload.llm = llm;
        emitRecord(coating.spec.error, true, this.ids, coating, payload, logAttributes, this.ctx);
      }
    } catch (failure) {
      reportOnce("recording an error", failure);
    } finally {
      this.endSpan();
    }
  }
}

function guard(what: string, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    reportOnce(what, error);
  }
}

/** Token counts given through current().usage(), as the response's would be. */
function userUsage(tokens: Attributes): LlmUsage {
  const count = (key: string) => (typeof tokens[key] === "number" ? (tokens[key] as number) : undefined);
  const input = count(SemanticConventions.LLM_TOKEN_COUNT_PROMPT);
  const output = count(SemanticConventions.LLM_TOKEN_COUNT_COMPLETION);
  const total = count(SemanticConventions.LLM_TOKEN_COUNT_TOTAL);
  return { ...(input !== undefined && { input }), ...(output !== undefined && { output }), ...(total !== undefined && { total }) };
}
