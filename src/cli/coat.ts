#!/usr/bin/env node
import { readFile } from "node:fs/promises";
import { VERSION } from "../runtime/version.js";
import { readOtlpLines } from "./otlp-json.js";
import { renderRecords } from "./show.js";
import { runVerify, VERIFY_USAGE } from "./verify.js";
import { runStatus, STATUS_USAGE } from "./status.js";
import { AUDIT_USAGE, runAudit } from "./audit.js";
import { BACKTEST_USAGE, runBacktest } from "./backtest.js";
import { POLICY_CHECK_USAGE, runPolicyCheck } from "./policy-check.js";

const USAGE = `coat ${VERSION} — agent-coat's command line

  coat show FILE…     print the spans and log records of OTLP JSON lines files as a tree
                      (the file sink's ENVPOD_COAT_FILE output, or the Collector's file exporter)
${VERIFY_USAGE}
${STATUS_USAGE}
${AUDIT_USAGE}
${BACKTEST_USAGE}
${POLICY_CHECK_USAGE}
  coat --version
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "--version" || command === "-v") {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (command === "show" && rest.length > 0) {
    const spans = [];
    const logs = [];
    for (const file of rest) {
      const parsed = readOtlpLines(await readFile(file, "utf8"));
      spans.push(...parsed.spans);
      logs.push(...parsed.logs);
      if (parsed.skipped > 0) process.stderr.write(`coat: ${file}: ${parsed.skipped} lines are not OTLP JSON; skipped\n`);
    }
    process.stdout.write(`${renderRecords(spans, logs)}\n`);
    return 0;
  }
  const out = (text: string) => process.stdout.write(text);
  const err = (text: string) => process.stderr.write(text);
  if (command === "audit") return runAudit(rest, out, err);
  if (command === "backtest") return runBacktest(rest, out, err);
  if (command === "policy" && rest[0] === "check") return runPolicyCheck(rest.slice(1), out, err);
  if (command === "status") return runStatus(rest, (text) => process.stdout.write(text));
  if (command === "verify") {
    return runVerify(rest, (text) => process.stdout.write(text), (text) => process.stderr.write(text));
  }
  process.stderr.write(USAGE);
  return command === undefined || command === "help" || command === "--help" ? 0 : 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`coat: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
