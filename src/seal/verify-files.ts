import { readFile, stat } from "node:fs/promises";
import { readJsonLines } from "./json-lines.js";
import type { VerifyOptions } from "./verify.js";
import { Verification } from "./verify.js";
import { defaultThreads, readInParallel } from "./verify-parallel.js";
import type { VerifyReport } from "./verify-report.js";

/**
 * Verifies OTLP JSON files: JSON lines (the file sink, the Collector's file exporter), read as a
 * stream so that files of millions of records fit, a large file on several threads at once, or one
 * JSON document spread over many lines (a saved Jaeger /api/v3 response).
 */
export async function verifyFiles(paths: readonly string[], options: VerifyOptions = {}): Promise<VerifyReport> {
  const threads = threadsOf(options.threads);
  const verification = new Verification(options);
  for (const path of paths) {
    verification.startFile(path);
    const size = (await stat(path)).size;
    const parallel = threads > 1 ? await readInParallel(path, size, threads, verification) : { read: "not-parallel" as const };
    if (parallel.read === "done") {
      verification.readWith(parallel.threads);
      continue;
    }
    const firstLineUnreadable = parallel.read === "first-line-unreadable" || (await readLines(path, verification, true));
    if (firstLineUnreadable && !(await readWholeDocument(path, verification))) {
      verification.countLine(false);
      await readLines(path, verification, false);
    }
  }
  return verification.report();
}

function threadsOf(threads: number | undefined): number {
  if (threads === undefined) return defaultThreads();
  if (!Number.isSafeInteger(threads) || threads < 1) throw new RangeError(`verify: threads must be a whole number of 1 or more, not ${String(threads)}`);
  return threads;
}

/**
 * Reads `path` line by line on this thread. With `stopAtUnreadableFirstLine`, returns true without
 * reading on when the first line is not JSON (the file may be one multi-line document); else skips that line.
 */
async function readLines(path: string, verification: Verification, stopAtUnreadableFirstLine: boolean): Promise<boolean> {
  const read = await readJsonLines(
    path,
    {
      document: (document, number) => verification.addDocument(document, `${path}:${number}`),
      skipped: () => verification.countLine(false),
    },
    { startsFile: true, stopAtUnreadableFirstLine },
  );
  return read.stoppedAtFirstLine;
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
