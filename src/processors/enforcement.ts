import type { Enforcement } from "../capture/enforce.js";
import { newPositions } from "../capture/enforce.js";
import { policyFor, state } from "../runtime/state.js";

let cached: { generation: number; value: Enforcement | undefined } = { generation: -1, value: undefined };

/**
 * What the processors enforce on records coat did not render: the mode that is set
 * (ENVPOD_COAT_CAPTURE, else register()'s `capture`); with no mode set, other libraries'
 * content is kept with secrets scrubbed (redacted). Undefined in raw mode: nothing to do.
 */
export function currentEnforcement(): Enforcement | undefined {
  if (cached.generation === state.generation) return cached.value;
  const settings = state.settings;
  const mode = settings.captureFromEnv ?? settings.captureOption ?? "redacted";
  const redacting = policyFor("redacted")!;
  const value: Enforcement | undefined =
    mode === "raw" ? undefined : { scrubber: redacting.scrubber, redacting, content: policyFor(mode), keys: new Map(), remember: settings.redaction?.custom === undefined, spanPositions: newPositions(), logPositions: newPositions() };
  cached = { generation: state.generation, value };
  return value;
}
