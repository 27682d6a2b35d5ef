import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import type { VerifyOptions } from "./verify.js";
import { Verification } from "./verify.js";
import type { VerifyReport } from "./verify-report.js";

/**
 * Verifies OTLP JSON files: JSON lines (the file sink, the Collector's file exporter), read as a
 * stream so that files of millions of records fit, or one JSON document spread over many lines (a
 * saved Jaeger /api/v3 response).
 */
export async function verifyFiles(paths: readonly string[], options: VerifyOptions = {}): Promise<VerifyReport> {
  const verification = new Verification(options);
  for (const path of paths) {
    const firstLineUnreadable = await readJsonLines(path, verification, true);
    if (firstLineUnreadable && !(await readWholeDocument(path, verification))) {
      verification.skippedLines++;
      await readJsonLines(path, verification, false);
    }
  }
  return verification.report();
}

/**
 * Reads `path` line by line. With `stopAtUnreadableFirstLine`, returns true without reading on when
 * the first line is not JSON (the file may be one multi-line document); else skips that line.
 */
async function readJsonLines(path: string, verification: Verification, stopAtUnreadableFirstLine: boolean): Promise<boolean> {
  const input = createReadStream(path, { encoding: "utf8" });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let number = 0;
  try {
    for await (const line of lines) {
      number++;
      if (line.trim() === "") continue;
      let document: unknown;
      try {
        document = JSON.parse(line);
      } catch {
        if (number === 1) {
          if (stopAtUnreadableFirstLine) return true;
          continue; // counted by the caller
        }
        verification.skippedLines++;
        continue;
      }
      verification.addDocument(document, `${path}:${number}`);
    }
    return false;
  } finally {
    lines.close();
    input.destroy();
  }
}

async function readWholeDocument(path: string, verification: Verification): Promise<boolean> {
  let document: unknown;
  try {
    document = JSON.parse(await readFile(path, "utf8"));
  } catch {
    return false;
  }
  if (Array.isArray(document)) document.forEach((item, i) => verification.addDocument(item, `${path}[${i}]`));
  else verification.addDocument(document, path);
  return true;
}
