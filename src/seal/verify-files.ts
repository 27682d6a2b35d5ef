import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
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
  let number = 0;
  for await (const segment of segments(path)) {
    for (const line of linesOf(segment)) {
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
  }
  return false;
}

const NEWLINE = 0x0a;

/**
 * The file's text between \n bytes, each decoded on its own (\n is never part of a multi-byte
 * UTF-8 sequence). Read in large chunks and cut with indexOf: readline's regular expression and
 * its string concatenation cost more than parsing the long lines the file sink writes.
 */
async function* segments(path: string): AsyncGenerator<string> {
  const input = createReadStream(path, { highWaterMark: 1 << 20 });
  let pending: Buffer[] = [];
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      let start = 0;
      for (let end = chunk.indexOf(NEWLINE, start); end >= 0; end = chunk.indexOf(NEWLINE, start)) {
        if (pending.length === 0) yield chunk.toString("utf8", start, end);
        else {
          pending.push(chunk.subarray(start, end));
          const text = Buffer.concat(pending).toString("utf8");
          pending = [];
          yield text;
        }
        start = end + 1;
      }
      if (start < chunk.length) pending.push(start === 0 ? chunk : chunk.subarray(start));
    }
    if (pending.length > 0) yield Buffer.concat(pending).toString("utf8");
  } finally {
    input.destroy();
  }
}

/** The lines of one \n-terminated segment as readline ends them: at \r\n, and at a lone \r. */
function linesOf(segment: string): readonly string[] {
  if (!segment.includes("\r")) return [segment];
  const lines = segment.split("\r");
  if (lines[lines.length - 1] === "") lines.pop(); // the \r of \r\n, or one that ends the file
  return lines;
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
