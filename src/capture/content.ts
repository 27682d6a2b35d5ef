import type { JsonValue } from "./snapshot.js";
import { snapshot, truncateString } from "./snapshot.js";

/** A captured value in the two forms records need: attribute text and envelope preview. */
export interface Captured {
  /** `input.value` / `output.value`: plain text stays text, anything else is JSON. */
  readonly text: string;
  readonly isJson: boolean;
  /** The bounded JSON-safe snapshot that goes into the envelope's `payload.preview`. */
  readonly preview: JsonValue;
}

/** Renders a value for raw capture. Never throws: the snapshot is JSON-safe by construction. */
export function captureValue(value: unknown, previewLength: number, errorStack: boolean): Captured {
  if (typeof value === "string") {
    const text = truncateString(value, previewLength);
    return { text, isJson: false, preview: text };
  }
  const preview = snapshot(value, { maxStringLength: previewLength, errorStack });
  return { text: JSON.stringify(preview), isJson: true, preview };
}

/** Arguments as captured: a single argument stands for itself, several become an array. */
export function argumentsValue(args: ArrayLike<unknown>): unknown {
  return args.length === 1 ? args[0] : Array.prototype.slice.call(args);
}
