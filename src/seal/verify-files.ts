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
    verification.startFile(path);
    const firstLineUnreadable = await readJsonLines(path, verification, true);
    if (firstLineUnreadable && !(await readWholeDocument(path, verification))) {
      verification.lines++;
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
        verification.lines++;
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
  let text: string;
  let document: unknown;
  try {
    text = await readFile(path, "utf8");
    document = JSON.parse(text);
  } catch {
    return false;
  }
  const lines = text.split(/\r\n|\r|\n/).filter((line) => line.trim() !== "").length;
  if (Array.isArray(document)) {
    // Items are not lines: the document's lines count as read, and as many as there are unreadable items as skipped.
    const unreadable = document.filter((item, i) => !verification.addDocument(item, `${path}[${i}]`, 0)).length;
    verification.lines += lines;
    verification.skippedLines += Math.min(unreadable, lines);
  } else verification.addDocument(document, path, lines);
  return true;
}
