import { SealKeyError } from "../seal/keys.js";
import { verifyFiles } from "../seal/verify-files.js";
import type { ChainReport, VerifyReport } from "../seal/verify-report.js";

export const VERIFY_USAGE = `  coat verify [--json] [--public-key PEM-or-path] [--allow-unsealed] FILE…
                      recompute the hash chains of sealed OTLP JSON files (file sink, Collector file
                      exporter, Jaeger /api/v3 responses); exit 0 only if every chain is intact and complete`;

/** `coat verify`: prints a report per chain; 0 when all chains verify, 1 when any fails, 2 on bad usage. */
export async function runVerify(args: readonly string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  const files: string[] = [];
  let json = false;
  let allowUnsealed = false;
  let publicKey: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--json") json = true;
    else if (arg === "--allow-unsealed") allowUnsealed = true;
    else if (arg === "--public-key" && i + 1 < args.length) publicKey = args[++i];
    else if (arg.startsWith("--public-key=")) publicKey = arg.slice("--public-key=".length);
    else if (arg.startsWith("--")) {
      err(`coat verify: unknown option ${arg}\n${VERIFY_USAGE}\n`);
      return 2;
    } else files.push(arg);
  }
  if (files.length === 0) {
    err(`coat verify: no file given\n${VERIFY_USAGE}\n`);
    return 2;
  }
  let report: VerifyReport;
  try {
    report = await verifyFiles(files, { ...(publicKey === undefined ? {} : { publicKey }), allowUnsealed });
  } catch (error) {
    if (!(error instanceof SealKeyError) && (error as NodeJS.ErrnoException).code === undefined) throw error;
    err(`coat verify: ${(error as Error).message}\n`);
    return 2;
  }
  out(json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
  return report.ok ? 0 : 1;
}

export function renderReport(report: VerifyReport): string {
  const lines: string[] = [];
  for (const chain of report.chains) lines.push(...chainLines(chain));
  if (report.chains.length === 0) lines.push("no sealed records found");
  if (report.unsealed > 0) {
    const first = report.unsealed_examples[0]!;
    lines.push(`${report.unsealed} record${report.unsealed === 1 ? "" : "s"} without a seal (first: ${first.signal === "spans" ? "span" : "log record"} ${JSON.stringify(first.name)} at ${first.location})`);
  }
  for (const problem of report.unreadable) lines.push(`unreadable: ${problem.message}`);
  if (report.skipped_lines > 0) lines.push(`${report.skipped_lines} line${report.skipped_lines === 1 ? "" : "s"} skipped: not OTLP JSON`);
  const failed = report.chains.filter((c) => !c.valid || !c.complete).length;
  lines.push(report.ok ? `ok: ${report.chains.length} chain${report.chains.length === 1 ? "" : "s"} verified` : `FAILED: ${failed} of ${report.chains.length} chains do not verify${report.unsealed > 0 ? ", unsealed records present" : ""}`);
  return `${lines.join("\n")}\n`;
}

function chainLines(chain: ChainReport): string[] {
  const head = `chain ${chain.chain} (${chain.signal}, service ${chain.service || "?"})`;
  const signature = chain.signature === "verified" || chain.signature === "unverified" ? `signed by key ${chain.key_id}${chain.signature === "unverified" ? " (not checked: no --public-key)" : ", signature verified"}` : chain.signature;
  const counts = `${chain.records_verified}/${chain.records} records verified${chain.duplicates > 0 ? `, ${chain.duplicates} duplicates` : ""}${chain.missing > 0 ? `, ${chain.missing} missing` : ""}`;
  if (chain.valid) return [`${head}: valid, ${chain.complete ? "complete" : "incomplete"}, ${counts}, ${chain.checkpoints} checkpoints, ${signature}`];
  const lines = [`${head}: BROKEN at seq ${chain.broken_at?.seq ?? "?"} [${chain.problem}] ${chain.error}`, `  ${counts}, ${signature}`];
  if (chain.problems.length > 1) lines.push(`  and ${chain.problems.length - 1} more problem${chain.problems.length === 2 ? "" : "s"}: ${[...new Set(chain.problems.slice(1).map((p) => p.kind))].join(", ")}`);
  return lines;
}
