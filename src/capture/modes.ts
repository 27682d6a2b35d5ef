import { reportOnce } from "../report.js";

/**
 * What leaves the process for arguments, results, errors and tie payloads.
 * `none` and `raw` are implemented; `redacted`, `hash` and `summary` are accepted and, until
 * their processors land, capture nothing (the safe direction) with a one-time diag warning.
 */
export type CaptureMode = "none" | "redacted" | "hash" | "summary" | "raw";

const MODES: ReadonlySet<string> = new Set(["none", "redacted", "hash", "summary", "raw"]);

/** Parses a mode from an env var or option; unknown values are reported and ignored. */
export function parseCaptureMode(value: string | undefined, source: string): CaptureMode | undefined {
  if (value === undefined) return undefined;
  const mode = value.trim().toLowerCase();
  if (mode === "") return undefined;
  if (MODES.has(mode)) return mode as CaptureMode;
  reportOnce(`invalid capture mode from ${source}`, `"${value}" is not one of none, redacted, hash, summary, raw; ignored`);
  return undefined;
}

/** The mode that actually applies to content: modes not implemented yet capture nothing. */
export function effectiveMode(mode: CaptureMode): "none" | "raw" {
  if (mode === "none" || mode === "raw") return mode;
  reportOnce(`capture mode ${mode}`, "not implemented yet: capturing nothing (as with none)");
  return "none";
}
