import { createReadStream } from "node:fs";

/** Bytes `start` (inclusive) to `end` (exclusive, Infinity: to the end of the file) of a file; a range starts at a line's first byte. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface JsonLinesRead {
  /** Lines read (blank ones included): the next range's lines are numbered after them. */
  lines: number;
  /** The range's first line is not JSON and `stopAtUnreadableFirstLine` stopped the reading there. */
  stoppedAtFirstLine: boolean;
}

export interface JsonLineHandler {
  /** A line that parsed as JSON; `number` counts from 1 at the start of the range. */
  document(document: unknown, number: number): void;
  /** A line that is not JSON (outside the file's first line, which `JsonLineOptions` decides on). */
  skipped(number: number): void;
}

export interface JsonLineOptions {
  /** The range starts the file: an unreadable first line is the caller's to count (it may begin a multi-line document). */
  startsFile: boolean;
  /** With `startsFile`, stop at an unreadable first line. */
  stopAtUnreadableFirstLine: boolean;
  range?: ByteRange;
}

/** Reads the lines of `path` (or of one range of it), parses each as JSON and hands it on. */
export async function readJsonLines(path: string, handler: JsonLineHandler, options: JsonLineOptions): Promise<JsonLinesRead> {
  let number = 0;
  for await (const segment of segments(path, options.range)) {
    for (const line of linesOf(segment)) {
      number++;
      if (line.trim() === "") continue;
      let document: unknown;
      try {
        document = JSON.parse(line);
      } catch {
        if (number === 1 && options.startsFile) {
          if (options.stopAtUnreadableFirstLine) return { lines: number, stoppedAtFirstLine: true };
          continue; // counted by the caller
        }
        handler.skipped(number);
        continue;
      }
      handler.document(document, number);
    }
  }
  return { lines: number, stoppedAtFirstLine: false };
}

const NEWLINE = 0x0a;

/**
 * The file's text between \n bytes, each decoded on its own (\n is never part of a multi-byte
 * UTF-8 sequence). Read in large chunks and cut with indexOf: readline's regular expression and
 * its string concatenation cost more than parsing the long lines the file sink writes.
 */
async function* segments(path: string, range: ByteRange | undefined): AsyncGenerator<string> {
  if (range !== undefined && range.end <= range.start) return;
  const input = createReadStream(path, { highWaterMark: 1 << 20, ...(range === undefined ? {} : { start: range.start, end: range.end - 1 }) });
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
