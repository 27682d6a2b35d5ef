import type { Captured } from "../capture/content.js";
import { argumentsValue, captureValue } from "../capture/content.js";
import type { Attributes } from "@opentelemetry/api";
import { contentAttributes } from "../dialects/openinference.js";
import { markScrubbed } from "../runtime/own-marks.js";
import { reportOnce } from "../runtime/report.js";
import type { Coating } from "./coating.js";

export type Hook = "captureInput" | "captureOutput" | "captureError";

/** Captures a value through the user's hook when there is one; a throwing hook is reported, not raised. */
export function captureHook(coating: Coating, hook: Hook, value: unknown): Captured {
  const fn = coating.options[hook] as ((v: unknown) => unknown) | undefined;
  let subject: unknown;
  if (hook === "captureInput") subject = fn === undefined ? argumentsValue(value as ArrayLike<unknown>) : Array.prototype.slice.call(value as ArrayLike<unknown>);
  else subject = value;
  if (fn !== undefined) {
    try {
      subject = fn(subject);
    } catch (error) {
      reportOnce(`the ${hook} hook threw`, error);
      subject = `[${hook} threw]`;
    }
  }
  return captureValue(subject, coating.previewLength, coating.errorStack, coating.policy, coating.snapshotShape);
}

/**
 * A call's arguments captured once as the mode allows (the caller checked the mode is not none),
 * written into `into` as OpenInference `input.*`, and marked scrubbed on the span where the
 * capture processor may trust it.
 */
export function captureInputInto(coating: Coating, span: object, args: ArrayLike<unknown>, into: Attributes): Captured {
  const input = captureHook(coating, "captureInput", args);
  if (coating.dialects.openinference) contentAttributes("input", input.text, input.isJson, into);
  if (coating.mode === "redacted" && coating.policy?.pure === true) markScrubbed(span, "input", input.text, coating.policy.scrubber);
  return input;
}
