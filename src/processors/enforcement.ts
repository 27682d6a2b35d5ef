import type { Enforcement } from "../capture/enforce.js";
import { newPositions } from "../capture/enforce.js";
import type { Runtime } from "../runtime/state.js";
import { policyFor, state } from "../runtime/state.js";

interface Cached {
  generation: number;
  value: Enforcement | undefined;
}
const cache = new WeakMap<Runtime, Cached>();
let last: { runtime: Runtime; cached: Cached } | undefined;

/**
 * What the processors enforce on records coat did not render: the mode that is set
 * (ENVPOD_COAT_CAPTURE, else register()'s `capture`); with no mode set, other libraries'
 * content is kept with secrets scrubbed (redacted). Undefined in raw mode: nothing to do.
 */
export function currentEnforcement(runtime: Runtime = state): Enforcement | undefined {
  const cached = last?.runtime === runtime ? last.cached : cache.get(runtime);
  if (cached?.generation === runtime.generation) {
    last = { runtime, cached };
    return cached.value;
  }
  const settings = runtime.settings;
  const mode = settings.captureFromEnv ?? settings.captureOption ?? "redacted";
  const redacting = policyFor("redacted", runtime)!;
  const value: Enforcement | undefined =
    mode === "raw" ? undefined : { scrubber: redacting.scrubber, redacting, content: policyFor(mode, runtime), keys: new Map(), remember: settings.redaction?.custom === undefined, spanPositions: newPositions(), logPositions: newPositions() };
  const fresh = { generation: runtime.generation, value };
  cache.set(runtime, fresh);
  last = { runtime, cached: fresh };
  return value;
}
