import type { Environment } from "../runtime/environment.js";
import { parseCaptureMode } from "../capture/modes.js";
import { createScrubber } from "../capture/secrets.js";
import { parsePreviewLength, settingsFromEnv, updateSettings } from "../runtime/state.js";
import type { CoatSetupOptions } from "./options.js";
import { parseDialects } from "../llm/dialect-set.js";
import { warnOnce } from "../runtime/report.js";
import { setPrices } from "../llm/cost-attributes.js";
import { resolvePrices } from "../llm/prices.js";

/** Applies the options to what coat() records, the environment winning where the design says so. */
export function applySettings(options: CoatSetupOptions, env: Environment): void {
  // Bad rules are a configuration error: thrown here, at startup, never later on a hot path.
  if (options.redact !== undefined) createScrubber(options.redact);
  const settings = settingsFromEnv(env);
  settings.redaction = options.redact;
  settings.hashKey ??= options.hashKey || undefined;
  settings.captureOption = parseCaptureMode(options.capture, "the capture option");
  settings.captureDefault = settings.captureOption ?? "none";
  if (env.ENVPOD_COAT_PREVIEW_LEN === undefined || parsePreviewLength(env.ENVPOD_COAT_PREVIEW_LEN) === undefined) {
    settings.previewLength = parsePreviewLength(options.previewLength) ?? settings.previewLength;
  }
  if (env.ENVPOD_COAT_DIALECTS === undefined || parseDialects(env.ENVPOD_COAT_DIALECTS, "ENVPOD_COAT_DIALECTS") === undefined) {
    settings.dialects = parseDialects(options.dialects, "the dialects option") ?? settings.dialects;
  }
  if (options.llmStringLength !== undefined) {
    const length = parsePreviewLength(options.llmStringLength);
    if (length === undefined) warnOnce("llmStringLength", `the llmStringLength option must be a positive integer, got ${JSON.stringify(options.llmStringLength)}: using ${settings.llmStringLength}.`);
    else if (env.ENVPOD_COAT_LLM_STRING_LEN === undefined) settings.llmStringLength = length;
  }
  setPrices(resolvePrices(options.prices));
  if (options.logs !== undefined) settings.logs = options.logs;
  if (options.errorStack !== undefined) settings.errorStack = options.errorStack;
  updateSettings(settings, env);
}
