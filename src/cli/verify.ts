import { SealKeyError } from "../seal/keys.js";
import { verifyFiles } from "../seal/verify-files.js";
import type { ChainReport, FileReport, VerifyReport } from "../seal/verify-report.js";

export const VERIFY_USAGE = `  coat verify [--json] [--public-key PEM-or-path] [--allow-unsealed] [--allow-skipped-lines] [--threads N] FILE…
                      recompute the hash chains of sealed OTLP JSON files (file sink, Collector file
                      exporter, Jaeger /api/v3 responses); exit 0 only if every file holds sealed
                      records, every chain is intact and complete, and nothing else is in the files
      --allow-unsealed       records without a seal do not fail verification (still counted)
      --allow-skipped-lines  lines that are not OTLP JSON (garbage, truncated lines) do not fail
                             verification (still counted); a file with no sealed record still fails
      --threads N            threads that each read a part of a file of 8 MiB or more, this one and
                             N-1 workers (default: the available parallelism, at most 4; 1 reads on
                             this thread alone)`;

/**
 * `coat verify`: prints a report per chain and a last line `ok: …` or `FAILED: <reason>`; 0 when
 * sealed records were found and all verify, 1 otherwise (an empty or unreadable file included), 2 on
 * bad usage.
 */
export async function runVerify(args: readonly string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  const files: string[] = [];
  let json = false;
  let allowUnsealed = false;
  let allowSkippedLines = false;
  let publicKey: string | undefined;
  let threads: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--json") json = true;
    else if (arg === "--allow-unsealed") allowUnsealed = true;
    else if (arg === "--allow-skipped-lines") allowSkippedLines = true;
    else if (arg === "--public-key" && i + 1 < args.length) publicKey = args[++i];
    else if (arg.startsWith("--public-key=")) publicKey = arg.slice("--public-key=".length);
    else if (arg === "--threads" || arg.startsWith("--threads=")) {
      const text = arg === "--threads" ? args[++i] : arg.slice("--threads=".length);
      threads = Number(text);
      if (text === undefined || !/^\d+$/.test(text) || !Number.isSafeInteger(threads) || threads < 1) {
        err(`coat verify: --threads takes a whole number of 1 or more, not ${text === undefined ? "nothing" : JSON.stringify(text)}\n${VERIFY_USAGE}\n`);
        return 2;
      }
    }
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
    report = await verifyFiles(files, { ...(publicKey === undefined ? {} : { publicKey }), allowUnsealed, allowSkippedLines, ...(threads === undefined ? {} : { threads }) });
  } catch (error) {
    if (!(error instanceof SealKeyError) && (error as NodeJS.ErrnoException).code === undefined) throw error;
    err(`coat verify: ${(error as Error).message}\n`);
    return 2;
  }
  out(json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report, { allowSkippedLines }));
  return report.ok ? 0 : 1;
}

/** The human report; `allowSkippedLines` as given to the verification (without it, skipped lines get a hint to the flag). */
export function renderReport(report: VerifyReport, options: { allowSkippedLines?: boolean } = {}): string {
  const lines: string[] = [];
  for (const chain of report.chains) lines.push(...chainLines(chain));
  if (report.files.length > 1) for (const file of report.files) lines.push(fileLine(file));
  if (report.unsealed > 0) {
    const first = report.unsealed_examples[0]!;
    lines.push(`${report.unsealed} record${report.unsealed === 1 ? "" : "s"} without a seal (first: ${first.signal === "spans" ? "span" : "log record"} ${JSON.stringify(first.name)} at ${first.location})`);
  }
  for (const problem of report.unreadable) lines.push(`unreadable: ${problem.message}`);
  if (report.skipped_lines > 0) {
    // Only where the flag would help: a file with no sealed record fails with it too.
    const hint = report.ok || options.allowSkippedLines === true || report.files.some((f) => f.records === 0) || report.records === 0 ? "" : " (--allow-skipped-lines tolerates them)";
    lines.push(`${plural(report.skipped_lines, "line")} skipped: not OTLP JSON${hint}`);
  }
  lines.push(report.ok ? `ok: ${plural(report.chains.length, "chain")} verified (${plural(report.records, "sealed record")} in ${plural(report.lines, "line")}${tolerated(report)})` : `FAILED: ${report.reason}`);
  return `${lines.join("\n")}\n`;
}

const plural = (n: number, unit: string): string => `${n.toLocaleString("en-US")} ${unit}${n === 1 ? "" : "s"}`;

/** What an ok report let pass because a flag allowed it. */
function tolerated(report: VerifyReport): string {
  const allowed = [...(report.skipped_lines > 0 ? [`${plural(report.skipped_lines, "unreadable line")}`] : []), ...(report.unsealed > 0 ? [`${plural(report.unsealed, "record")} without a seal`] : [])];
  return allowed.length === 0 ? "" : `; ${allowed.join(" and ")} allowed`;
}

function fileLine(file: FileReport): string {
  if (file.reason !== null) return `file ${file.reason}`;
  const extra = [...(file.unsealed > 0 ? [`${plural(file.unsealed, "record")} without a seal`] : []), ...(file.skipped_lines > 0 ? [`${file.skipped_lines.toLocaleString("en-US")} unreadable`] : [])];
  return `file ${file.path}: ${plural(file.records, "sealed record")} in ${plural(file.lines, "line")}${extra.length > 0 ? ` (${extra.join(", ")})` : ""}`;
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
