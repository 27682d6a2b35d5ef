import { readFile } from "node:fs/promises";
import type { Trace } from "./trace-model.js";
import { traceFromLines } from "./trace-model.js";

/**
 * Reads the trace model from OTLP JSON lines files: agent-coat's file sink (`file` /
 * `ENVPOD_COAT_FILE`), the Collector's file exporter, what `coat show` reads. Several files (say,
 * spans and logs written apart) make one trace; a record found twice counts once.
 */
export async function loadTrace(...paths: string[]): Promise<Trace> {
  if (paths.length === 0) throw new TypeError("agent-coat/testing: loadTrace() needs at least one file");
  const texts = await Promise.all(paths.map((path) => readFile(path, "utf8")));
  return traceFromText(texts.join("\n"));
}

/** The trace model of OTLP JSON lines already in memory. */
export function traceFromText(text: string): Trace {
  return traceFromLines(text.split("\n"));
}
