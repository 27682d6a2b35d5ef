import type { ContentPolicy } from "./policy.js";
import { scrubForCap } from "./policy.js";
import type { JsonValue, SnapshotLimits } from "./snapshot.js";
import { DEFAULT_LIMITS, fastSnapshotJson, snapshot, truncateString } from "./snapshot.js";

/** A captured value: the text every record carries (span attribute and envelope preview alike), rendered once. */
export interface Captured {
  /** `input.value` / `output.value`: plain text stays text, anything else is JSON. */
  readonly text: string;
  readonly isJson: boolean;
  /** The bounded JSON-safe snapshot `text` was rendered from (the envelope carries `text` itself). */
  readonly preview: JsonValue;
}

/**
 * Renders a value as the capture mode allows: as is (no policy), redacted, hashed or summarised.
 * Never throws: the snapshot is JSON-safe by construction.
 */
export function captureValue(value: unknown, previewLength: number, errorStack: boolean, policy?: ContentPolicy, shape?: SnapshotShape): Captured {
  if (typeof value === "string") {
    const text = renderText(value, previewLength, policy);
    return { text, isJson: false, preview: text };
  }
  const limits = limitsFor(previewLength, errorStack, policy, shape);
  if (policy?.mode !== "hash" && policy?.mode !== "summary") {
    const text = fastSnapshotJson(value, limits);
    if (text !== undefined) return new JsonCaptured(text);
  }
  const preview = snapshot(value, limits);
  // A digest or a summary standing for the whole value reads as text, like a string argument's.
  if (typeof preview === "string" && (policy?.mode === "hash" || policy?.mode === "summary")) return { text: preview, isJson: false, preview };
  return { text: JSON.stringify(preview), isJson: true, preview };
}

/** A value captured as JSON text directly: its snapshot is that text parsed, on the rare demand for it. */
class JsonCaptured implements Captured {
  readonly isJson = true;
  constructor(readonly text: string) {}
  get preview(): JsonValue {
    return JSON.parse(this.text) as JsonValue;
  }
}

/** A wrapper's own bounds on what a snapshot descends into (CoatOptions.limits). */
export type SnapshotShape = Readonly<Partial<Pick<SnapshotLimits, "maxDepth" | "maxKeys" | "maxItems">>>;

// The limits of the last capture: the same few settings come back on every call.
let lastLimits: SnapshotLimits = { ...DEFAULT_LIMITS };
let lastShape: SnapshotShape | undefined;

function limitsFor(maxStringLength: number, errorStack: boolean, policy: ContentPolicy | undefined, shape: SnapshotShape | undefined): SnapshotLimits {
  const last = lastLimits;
  if (last.maxStringLength === maxStringLength && last.errorStack === errorStack && last.policy === policy && lastShape === shape) return last;
  const limits: SnapshotLimits = { ...DEFAULT_LIMITS, ...shape, maxStringLength: maxStringLength >= 0 ? maxStringLength : DEFAULT_LIMITS.maxStringLength, errorStack };
  if (policy !== undefined) limits.policy = policy;
  lastShape = shape;
  return (lastLimits = limits);
}

/** One piece of text (a message, a stack, a streamed reply) as the mode allows, capped at `max`. */
export function renderText(s: string, max: number, policy: ContentPolicy | undefined): string {
  switch (policy?.mode) {
    case "redacted":
      return truncateString(scrubForCap(policy.scrubber, s, max), max);
    case "hash":
      return policy.digest(JSON.stringify(s));
    case "summary":
      return `string(${s.length})`;
    default:
      return truncateString(s, max);
  }
}

/** Arguments as captured: a single argument stands for itself, several become an array. */
export function argumentsValue(args: ArrayLike<unknown>): unknown {
  return args.length === 1 ? args[0] : Array.prototype.slice.call(args);
}
