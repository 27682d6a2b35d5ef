import type { FileLog, FileSpan } from "./otlp-json.js";

const STATUS = ["", "OK", "ERROR"];

/** A readable tree of recorded spans, with their content and the log records beside them. */
export function renderRecords(spans: FileSpan[], logs: FileLog[]): string {
  const out: string[] = [];
  const children = new Map<string, FileSpan[]>();
  const ids = new Set(spans.map((s) => s.spanId));
  const roots: FileSpan[] = [];
  for (const span of [...spans].sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0))) {
    if (span.parentSpanId && ids.has(span.parentSpanId)) {
      const list = children.get(span.parentSpanId) ?? [];
      list.push(span);
      children.set(span.parentSpanId, list);
    } else roots.push(span);
  }
  const logsBySpan = new Map<string, number>();
  for (const log of logs) logsBySpan.set(log.spanId, (logsBySpan.get(log.spanId) ?? 0) + 1);

  const walk = (span: FileSpan, prefix: string, last: boolean, depth: number) => {
    const branch = depth === 0 ? "" : last ? "└─ " : "├─ ";
    out.push(`${prefix}${branch}${headline(span, logsBySpan.get(span.spanId) ?? 0)}`);
    const inner = depth === 0 ? prefix : prefix + (last ? "   " : "│  ");
    const kids = children.get(span.spanId) ?? [];
    const pad = inner + (kids.length > 0 ? "│  " : "   ");
    for (const line of details(span)) out.push(pad + line);
    kids.forEach((kid, i) => walk(kid, inner, i === kids.length - 1, depth + 1));
  };
  let lastTrace = "";
  for (const root of roots) {
    if (root.traceId !== lastTrace) {
      out.push(`trace ${root.traceId}  service ${root.service || "?"}`);
      lastTrace = root.traceId;
    }
    walk(root, "", true, 0);
  }
  const free = logs.filter((l) => !ids.has(l.spanId));
  out.push("", `${spans.length} spans, ${logs.length} log records (${summarizeKinds(logs)})`);
  if (free.length > 0) out.push(`${free.length} log records outside any recorded span`);
  return out.join("\n");
}

function headline(span: FileSpan, logCount: number): string {
  const a = span.attributes;
  const parts = [span.name, String(a["openinference.span.kind"] ?? "SPAN")];
  if (a["llm.model_name"]) parts.push(String(a["llm.model_name"]));
  parts.push(`${formatMs(span.endNs - span.startNs)}`);
  const status = STATUS[span.status.code] ?? "";
  if (status) parts.push(span.status.code === 2 ? `ERROR ${span.status.message || String(a["error.type"] ?? "")}`.trim() : status);
  if (a["llm.token_count.prompt"] !== undefined || a["llm.token_count.completion"] !== undefined) {
    parts.push(`tokens ${a["llm.token_count.prompt"] ?? "?"}→${a["llm.token_count.completion"] ?? "?"}`);
  }
  if (a["envpod.stream.chunks"] !== undefined) parts.push(`${a["envpod.stream.chunks"]} chunks`);
  if (logCount > 0) parts.push(`${logCount} logs`);
  return parts.join("  ");
}

function details(span: FileSpan): string[] {
  const a = span.attributes;
  const lines: string[] = [];
  if (a["envpod.intent"]) lines.push(`intent: ${a["envpod.intent"]}  action: ${a["envpod.action"] ?? ""}`);
  if (a["input.value"] !== undefined) lines.push(`input:  ${oneLine(a["input.value"])}`);
  if (a["output.value"] !== undefined) lines.push(`output: ${oneLine(a["output.value"])}`);
  for (const event of span.events) {
    const offset = formatMs(event.timeNs - span.startNs);
    const data = event.attributes["envpod.tie.data"];
    lines.push(`• ${event.name} +${offset}${data !== undefined ? ` ${oneLine(data)}` : ""}`);
  }
  return lines;
}

function summarizeKinds(logs: FileLog[]): string {
  const counts = new Map<string, number>();
  for (const log of logs) counts.set(log.eventName, (counts.get(log.eventName) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${k} ×${n}`).join(", ");
}

function formatMs(ns: bigint): string {
  const ms = Number(ns) / 1e6;
  return ms < 10 ? `${ms.toFixed(2)} ms` : `${Math.round(ms)} ms`;
}

function oneLine(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const flat = text.replace(/\s+/g, " ");
  return flat.length > 100 ? `${flat.slice(0, 99)}…` : flat;
}
