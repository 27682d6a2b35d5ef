import { readFile } from "node:fs/promises";
import { AUDIT_COLUMNS, auditRows } from "../govern/audit-rows.js";
import type { AuditRow } from "../govern/audit-rows.js";
import { verifyDocuments } from "../seal/verify.js";
import { traceFromText } from "../testing/load.js";

export const AUDIT_USAGE = `  coat audit FILE… [--json | --csv]
                      every policy decision in OTLP JSON lines files: a summary per policy, or
                      each decision with its record's ids and seal position (--json, --csv)`;

/** `coat audit`: exit 0 when the files were read (whatever they decided), 2 on bad arguments. */
export async function runAudit(args: string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  const json = args.includes("--json");
  const csv = args.includes("--csv");
  const files = args.filter((a) => !a.startsWith("--"));
  const unknown = args.filter((a) => a.startsWith("--") && a !== "--json" && a !== "--csv");
  if (files.length === 0 || unknown.length > 0 || (json && csv)) {
    err(`${unknown.length > 0 ? `coat audit: unknown option ${unknown.join(", ")}\n` : ""}usage:\n${AUDIT_USAGE}\n`);
    return 2;
  }
  const texts = await Promise.all(files.map((f) => readFile(f, "utf8")));
  const trace = traceFromText(texts.join("\n"));
  const rows = auditRows(trace);
  if (csv) {
    out(`${[AUDIT_COLUMNS.join(","), ...rows.map((r) => AUDIT_COLUMNS.map((c) => csvCell(r[c])).join(","))].join("\r\n")}\r\n`);
    return 0;
  }
  const verification = verifyDocuments(trace.documents.map((d) => JSON.parse(d) as unknown));
  const summary = { decisions: rows.length, by_decision: countBy(rows, (r) => r.decision), by_policy: byPolicy(rows), chain_verified: verification.ok, chain_problem: verification.reason };
  if (json) {
    out(`${JSON.stringify({ summary, decisions: rows }, null, 2)}\n`);
    return 0;
  }
  out(render(rows, summary.by_policy, verification.ok ? "the seal chains verify" : `the seal chains do not verify: ${verification.reason ?? "?"} (coat verify says more)`));
  return 0;
}

const KINDS = ["allow", "alert", "redact", "modify", "queue", "pause", "block"] as const;

function byPolicy(rows: AuditRow[]): Record<string, Record<string, number>> {
  const table: Record<string, Record<string, number>> = {};
  for (const r of rows) {
    const key = r.policy || "(all allowed)";
    const entry = (table[key] ??= {});
    entry[r.decision] = (entry[r.decision] ?? 0) + 1;
  }
  return table;
}

function render(rows: AuditRow[], table: Record<string, Record<string, number>>, chain: string): string {
  if (rows.length === 0) return `no policy decisions found; ${chain}\n`;
  const names = Object.keys(table).sort();
  const width = Math.max(6, ...names.map((n) => n.length));
  const lines = [`${"policy".padEnd(width)}  ${KINDS.map((k) => k.padStart(6)).join(" ")}`];
  for (const name of names) lines.push(`${name.padEnd(width)}  ${KINDS.map((k) => String(table[name]![k] ?? 0).padStart(6)).join(" ")}`);
  const stopped = rows.filter((r) => r.decision === "block" || (r.decision === "pause" && r.approved !== true));
  lines.push("", `${rows.length} decisions, ${stopped.length} stopped a call; ${chain}`);
  for (const r of stopped) lines.push(`  ${r.time}  ${r.name} (${r.op}) ${r.decision} by ${r.policy}: ${r.reason}`);
  return `${lines.join("\n")}\n`;
}

function countBy(rows: AuditRow[], key: (r: AuditRow) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of rows) counts[key(r)] = (counts[key(r)] ?? 0) + 1;
  return counts;
}

function csvCell(value: unknown): string {
  const text = value === undefined || value === null ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
