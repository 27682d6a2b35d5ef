import type { Attributes } from "@opentelemetry/api";
import type { CaptureMode } from "../capture/modes.js";
import { parseCaptureMode } from "../capture/modes.js";
import type { ContentPolicy } from "../capture/policy.js";
import { staticEnvpod } from "../dialects/envpod.js";
import type { EnvelopeFacts } from "../dialects/envpod.js";
import { staticOpenInference } from "../dialects/openinference.js";
import type { OpSpec } from "../dialects/ops.js";
import { opSpec } from "../dialects/ops.js";
import { currentIdentity, policyFor, state } from "../runtime/state.js";
import type { CoatOptions } from "./options.js";

/**
 * What one coat() wrapper knows before any call: its op, names, options and the attributes
 * every call of it shares. Derived facts are rebuilt only when register() changes settings.
 */
export class Coating implements EnvelopeFacts {
  readonly spec: OpSpec;
  readonly spanName: string;
  generation = -1;
  mode: CaptureMode = "none";
  /** How content is rendered: undefined in none mode (nothing captured) and raw mode (as is). */
  policy: ContentPolicy | undefined = undefined;
  logs = true;
  errorStack = true;
  previewLength = 200;
  identity = currentIdentity();
  staticAttributes: Attributes = {};

  constructor(
    readonly op: string,
    readonly fn: string,
    readonly options: CoatOptions,
  ) {
    this.spec = opSpec(op);
    this.spanName = options.name ?? (fn || op);
  }

  get intent(): string | undefined {
    return this.options.intent;
  }

  get action(): string | undefined {
    return this.options.action;
  }

  /** Brings derived facts up to date with the process settings; cheap when nothing changed. */
  refresh(): void {
    if (this.generation === state.generation) return;
    const settings = state.settings;
    this.mode = settings.captureFromEnv ?? parseCaptureMode(this.options.capture, "a coat() capture option") ?? settings.captureDefault;
    this.policy = policyFor(this.mode);
    this.logs = settings.logs;
    this.errorStack = this.options.errorStack ?? settings.errorStack;
    this.previewLength = settings.previewLength;
    this.identity = currentIdentity();
    this.staticAttributes = this.buildStaticAttributes();
    this.generation = state.generation;
  }

  private buildStaticAttributes(): Attributes {
    const o = this.options;
    const attributes: Attributes = { ...o.attributes };
    staticOpenInference(
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
    staticEnvpod({ spec: this.spec, op: this.op, fn: this.fn, intent: o.intent, action: o.action, mode: this.mode, identity: this.identity }, attributes);
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
