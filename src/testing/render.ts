import type { Trace, TraceCall } from "./trace-model.js";

export interface RenderOptions {
  /** Leave out ids, times and durations so the text is the same on every run (default true). */
  mask?: boolean;
  /** Longest input/output preview per call (default 80 characters). */
  preview?: number;
}

/**
 * A `coat show`-style text tree of a trace: one line per call with its kind, outcome, tokens and
 * content. Masked by default, for failure messages and snapshots.
 */
export function renderTrace(trace: Trace, options: RenderOptions = {}): string {
  const mask = options.mask ?? true;
  const width = options.preview ?? 80;
  const out: string[] = [];
  trace.runs.forEach((run, i) => {
    out.push(mask ? `run ${i + 1}` : `run ${run.runId}  session ${run.sessionId}`);
    run.calls.forEach((call, j) => walk(call, "  ", j === run.calls.length - 1, true));
  });
  if (trace.runs.length === 0) out.push("(no calls recorded)");
  return out.join("\n");

  function walk(call: TraceCall, prefix: string, last: boolean, top: boolean): void {
    const branch = top ? "" : last ? "└─ " : "├─ ";
    out.push(`${prefix}${branch}${headline(call, mask, width)}`);
    const inner = top ? prefix : prefix + (last ? "   " : "│  ");
    call.children.forEach((kid, i) => walk(kid, inner, i === call.children.length - 1, false));
  }
}

function headline(call: TraceCall, mask: boolean, width: number): string {
  const parts = [call.name, call.kind];
  if (call.model !== undefined) parts.push(call.model);
  parts.push(call.error === undefined ? "ok" : `ERROR ${call.error.type}${call.error.message ? `: ${call.error.message}` : ""}`);
  if (!mask) parts.push(`${call.durationMs.toFixed(1)} ms`, `span ${call.span.spanId}`);
  if (call.tokens !== undefined) parts.push(`tokens ${call.tokens.prompt ?? "?"}→${call.tokens.completion ?? "?"}`);
  if (call.input !== undefined) parts.push(`in ${preview(call.input, width)}`);
  if (call.output !== undefined) parts.push(`out ${preview(call.output, width)}`);
  return parts.join("  ");
}

export function preview(value: unknown, width = 80): string {
  const text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}
