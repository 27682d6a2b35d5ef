import type { Attributes } from "@opentelemetry/api";
import type { CaptureMode } from "../capture/modes.js";
import { parseCaptureMode } from "../capture/modes.js";
import type { ContentPolicy } from "../capture/policy.js";
import { staticEnvpod } from "../dialects/envpod.js";
import type { EnvelopeFacts } from "../dialects/envpod.js";
import { staticOpenInference } from "../dialects/openinference.js";
import type { OpSpec } from "../dialects/ops.js";
import { opSpec } from "../dialects/ops.js";
import type { Runtime } from "../runtime/state.js";
import { state } from "../runtime/state.js";
import type { SnapshotShape } from "../capture/content.js";
import { wrapperPolicy, wrapperShape, wrapperStringLength } from "./wrapper-limits.js";
import type { CoatOptions } from "./options.js";
import type { DialectSet } from "../llm/dialect-set.js";
import { DEFAULT_DIALECTS } from "../llm/dialect-set.js";
import { LlmContentRules } from "../llm/content-rules.js";
import type { LlmShape } from "../llm/exchange.js";
import type { LlmWrapperFacts } from "../llm/llm-recorder.js";

/**
 * What one coat() wrapper knows before any call: its op, names, options and the attributes
 * every call of it shares. Derived facts are rebuilt only when register() changes settings.
 */
/** Adapters name the SDK shape of the calls they wrap under this key of the options. */
export const LLM_SHAPE: unique symbol = Symbol("agent-coat.llm-shape");
export type AdapterOptions = CoatOptions & { [LLM_SHAPE]?: LlmShape };

export class Coating implements EnvelopeFacts, LlmWrapperFacts {
  readonly spec: OpSpec;
  readonly spanName: string;
  generation = -1;
  mode: CaptureMode = "none";
  /** How content is rendered: undefined in none mode (nothing captured) and raw mode (as is). */
  policy: ContentPolicy | undefined = undefined;
  logs = true;
  errorStack = true;
  previewLength = 200;
  /** The wrapper's own snapshot bounds (CoatOptions.limits), if any. */
  snapshotShape: SnapshotShape | undefined = undefined;
  identity = state.identity;
  staticAttributes: Attributes = {};
  staticAttributeCount = 0;
  dialects: DialectSet = DEFAULT_DIALECTS;
  /** LLM ops: how message content is written in this wrapper's mode. */
  llmRules: LlmContentRules | undefined = undefined;
  attributeCountLimit = 128;
  /** This wrapper's facts under each recording that called it (agent-coat/testing). */
  private perRuntime: WeakMap<Runtime, Coating> | undefined;

  constructor(
    readonly op: string,
    readonly fn: string,
    readonly options: CoatOptions,
    readonly runtime: Runtime = state,
  ) {
    this.spec = opSpec(op);
    this.spanName = options.name ?? (fn || op);
  }

  get shape(): LlmShape | undefined {
    return (this.options as AdapterOptions)[LLM_SHAPE];
  }

  get inputHook(): boolean {
    return this.options.captureInput !== undefined;
  }

  get outputHook(): boolean {
    return this.options.captureOutput !== undefined;
  }

  get intent(): string | undefined {
    return this.options.intent;
  }

  get action(): string | undefined {
    return this.options.action;
  }

  /** The same wrapper with its facts derived from `runtime`'s settings: itself for the process's. */
  in(runtime: Runtime): Coating {
    if (runtime === this.runtime) return this;
    this.perRuntime ??= new WeakMap();
    let coating = this.perRuntime.get(runtime);
    if (coating === undefined) this.perRuntime.set(runtime, (coating = new Coating(this.op, this.fn, this.options, runtime)));
    return coating;
  }

  /** Brings derived facts up to date with the runtime's settings; cheap when nothing changed. */
  refresh(): void {
    const runtime = this.runtime;
    if (this.generation === runtime.generation) return;
    const settings = runtime.settings;
    this.mode = settings.captureFromEnv ?? parseCaptureMode(this.options.capture, "a coat() capture option") ?? settings.captureDefault;
    this.policy = wrapperPolicy(this.mode, this.options, this.spanName, runtime);
    this.logs = settings.logs;
    this.errorStack = this.options.errorStack ?? settings.errorStack;
    this.previewLength = wrapperStringLength(this.options, this.spanName) ?? settings.previewLength;
    this.snapshotShape = wrapperShape(this.options, this.spanName);
    this.identity = runtime.identity;
    this.dialects = settings.dialects;
    this.attributeCountLimit = settings.attributeCountLimit;
    this.llmRules = this.spec.spanKind === "LLM" ? new LlmContentRules(this.mode, settings.llmStringLength, this.policy, this.errorStack) : undefined;
    this.staticAttributes = this.buildStaticAttributes();
    this.staticAttributeCount = Object.keys(this.staticAttributes).length;
    this.generation = runtime.generation;
  }

  private buildStaticAttributes(): Attributes {
    const o = this.options;
    const attributes: Attributes = { ...o.attributes };
    if (this.dialects.openinference) staticOpenInference(
      {
        spec: this.spec,
        toolName: o.name ?? this.fn,
        description: o.description,
        parameters: o.parameters === undefined ? undefined : typeof o.parameters === "string" ? o.parameters : safeJson(o.parameters),
        model: o.model,
        provider: o.provider,
      },
      attributes,
    );
    if (this.dialects.envpod) staticEnvpod({ spec: this.spec, op: this.op, fn: this.fn, intent: o.intent, action: o.action, mode: this.mode, identity: this.identity }, attributes);
    return attributes;
  }
}

function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
