import type { Attributes } from "@opentelemetry/api";
import type { CaptureMode } from "../capture/modes.js";
import type { Approver } from "../govern/approver.js";
import type { Policy } from "../govern/policy.js";

/** Options of coat(op, options, fn). All optional. */
export interface CoatOptions {
  /** Span name and tool name; defaults to the function's name, then the op. */
  name?: string;
  /** What this call is meant to achieve (intentproof): `envpod.intent`. */
  intent?: string;
  /** Stable operation id, e.g. `stripe.refund.create`: `envpod.action`. */
  action?: string;
  /** Capture mode for this wrapper; ENVPOD_COAT_CAPTURE still wins. */
  capture?: CaptureMode;
  /** Replaces the captured arguments; receives them as an array. */
  captureInput?: (args: unknown[]) => unknown;
  /** Replaces the captured result. */
  captureOutput?: (result: unknown) => unknown;
  /** On failure, extra output to record beside the error (e.g. a decline code). */
  captureError?: (error: unknown) => unknown;
  /** Include stack traces in exception events (default true). */
  errorStack?: boolean;
  /** Static attributes set on every span and log record of this wrapper. */
  attributes?: Attributes;
  /** LLM ops: `llm.model_name`. */
  model?: string;
  /** LLM ops: `llm.provider`, e.g. `anthropic`, `openai`. */
  provider?: string;
  /** Tool ops: `tool.description`. */
  description?: string;
  /**
   * This wrapper's bounds on captured arguments and results: string length (else the process's
   * preview length), nesting depth, keys per object and items per array (the snapshot defaults
   * are 8, 64 and 64). LLM message strings have their own limit (register()'s `llmStringLength`).
   */
  limits?: { maxStringLength?: number; maxDepth?: number; maxKeys?: number; maxItems?: number };
  /** More sensitive key names for this wrapper, redacted (in the redacted mode) beside register()'s `redact.keys`. */
  redactKeys?: readonly string[];
  /** Tool ops: the JSON schema of the parameters, `tool.parameters`. */
  parameters?: unknown;
  /** Policies gating this wrapper's calls, beside register()'s (docs/governance.md). */
  policies?: readonly Policy[];
  /** Who approves this wrapper's paused calls (else register()'s approver). */
  approver?: Approver;
  /**
   * The function returns a promise though it is not an `async function`: its calls are gated as
   * async ones (async policies, pause, queue; the wrapper then returns a promise of its own).
   */
  async?: boolean;
}
