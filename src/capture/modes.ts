import { reportOnce } from "../runtime/report.js";

/** What leaves the process for arguments, results, errors, tie payloads and log bodies. */
export type CaptureMode = "none" | "redacted" | "hash" | "summary" | "raw";

const MODES: ReadonlySet<string> = new Set(["none", "redacted", "hash", "summary", "raw"]);

/** Parses a mode from an env var or option; unknown values are reported and ignored. */
export function parseCaptureMode(value: string | undefined, source: string): CaptureMode | undefined {
  if (value === undefined) return undefined;
  const mode = String(value).trim().toLowerCase();
  if (mode === "") return undefined;
  if (MODES.has(mode)) return mode as CaptureMode;
  reportOnce(`invalid capture mode from ${source}`, `"${value}" is not one of none, redacted, hash, summary, raw; ignored`);
  return undefined;
}
