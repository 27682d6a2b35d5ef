import { warnOnce } from "../runtime/report.js";

/** Which dialects spans are written in (`dialects` option, `ENVPOD_COAT_DIALECTS`). Log records are always AOT envelopes. */
export interface DialectSet {
  readonly envpod: boolean;
  readonly openinference: boolean;
  readonly genAi: boolean;
}

export const DIALECT_NAMES = ["envpod", "openinference", "gen_ai"] as const;
export type DialectName = (typeof DIALECT_NAMES)[number];

/**
 * envpod and OpenInference: what Phoenix, Arize and Datadog LLM Observability read. The GenAI
 * dialect is opt-in: on the LLM benchmark's call it adds 14 % (≈30 µs) and a second copy of the
 * conversation to every LLM span (docs/llm-records.md, "Dialects").
 */
export const DEFAULT_DIALECTS: DialectSet = Object.freeze({ envpod: true, openinference: true, genAi: false });
const DEFAULT_NAMES = "envpod,openinference";

/**
 * A comma list (or array) of dialect names. Unknown names are warned about once and skipped; a
 * list naming none that is known falls back to the default, with a warning.
 */
export function parseDialects(value: string | readonly string[] | undefined, where: string): DialectSet | undefined {
  if (value === undefined) return undefined;
  const names = (typeof value === "string" ? value.split(",") : Array.isArray(value) ? value : [String(value)]).map((n) => String(n).trim().toLowerCase()).filter((n) => n !== "");
  const unknown = names.filter((n) => !(DIALECT_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) warnOnce(`${where} dialects`, `${where}: unknown dialect ${unknown.map((n) => JSON.stringify(n)).join(", ")} ignored; known: ${DIALECT_NAMES.join(", ")}.`);
  const known = names.filter((n) => !unknown.includes(n));
  if (known.length === 0) {
    warnOnce(`${where} no dialects`, `${where} names no known dialect: using the default (${DEFAULT_NAMES}).`);
    return undefined;
  }
  return { envpod: known.includes("envpod"), openinference: known.includes("openinference"), genAi: known.includes("gen_ai") };
}
