/**
 * Parallel reading for `coat verify`: a large file is cut at line boundaries into ranges that
 * worker threads read, parse and hash at once (JSON.parse and the canonical form are most of the
 * cost, and both are per line); the main thread replays what they found in file order, so the
 * report is the one a single thread gives.
 */
import { open } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ByteRange, JsonLinesRead } from "./json-lines.js";
import type { ReadEvent, ReplayTarget } from "./recorded-reading.js";
import { replay } from "./recorded-reading.js";
import type { RangeMessage, RangeTask } from "./verify-worker.js";
import { verifyWorkerFile } from "./verify-worker-file.js";

/** Per worker, at least this much of the file: below two of these (8 MiB) starting workers would cost more than they save. */
const RANGE_MIN_BYTES = 4 * 1024 * 1024;
const MAX_DEFAULT_THREADS = 4;

export function defaultThreads(): number {
  return Math.max(1, Math.min(availableParallelism(), MAX_DEFAULT_THREADS));
}

/** How a parallel read went: the records replayed, the file's first line not JSON (nothing replayed), or not done (nothing replayed). */
export type ParallelRead = { read: "done"; threads: number } | { read: "first-line-unreadable" } | { read: "not-parallel" };

export async function readInParallel(path: string, size: number, threads: number, target: ReplayTarget): Promise<ParallelRead> {
  const count = Math.min(threads, Math.floor(size / RANGE_MIN_BYTES));
  const script = count < 2 ? undefined : verifyWorkerFile();
  if (script === undefined) return { read: "not-parallel" };
  const ranges = await lineRanges(path, size, count);
  if (ranges.length < 2) return { read: "not-parallel" };
  const workers: Worker[] = [];
  let results: RangeRead[];
  try {
    results = await Promise.all(ranges.map((range, i) => readRange(script, { path, range, startsFile: i === 0 }, workers)));
  } catch {
    // A worker that cannot start or fails (a filesystem error, memory): the file is read on this thread instead.
    for (const worker of workers) void worker.terminate();
    return { read: "not-parallel" };
  }
  if (results[0]!.stoppedAtFirstLine) return { read: "first-line-unreadable" };
  let linesBefore = 0;
  for (const result of results) {
    for (const events of result.batches) replay(events, target, path, linesBefore);
    linesBefore += result.lines;
  }
  return { read: "done", threads: ranges.length };
}

interface RangeRead extends JsonLinesRead {
  batches: ReadEvent[][];
}

/**
 * A worker's young generation larger than V8's default: each line parses into megabytes of objects
 * that live until the line is hashed, and a small one copies them from space to space (measured:
 * 13 % of the reading time).
 */
const YOUNG_GENERATION_MB = 48;

function readRange(script: string, task: RangeTask, workers: Worker[]): Promise<RangeRead> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: task, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    workers.push(worker);
    const batches: ReadEvent[][] = [];
    worker.on("message", (message: RangeMessage) => {
      batches.push(message.events);
      if ("done" in message) resolve({ lines: message.lines, stoppedAtFirstLine: message.stoppedAtFirstLine, batches });
    });
    worker.once("error", reject);
    worker.once("messageerror", reject);
    worker.once("exit", (code) => reject(new Error(`verify worker exited with code ${code}`)));
  });
}

/** `count` ranges of about equal size, each starting at a line's first byte (fewer when lines are longer than a range). */
async function lineRanges(path: string, size: number, count: number): Promise<ByteRange[]> {
  const handle = await open(path, "r");
  try {
    const starts = [0];
    const chunk = Buffer.allocUnsafe(64 * 1024);
    for (let i = 1; i < count; i++) {
      // From the byte before the cut: a line that starts at the cut starts a range there.
      let at = Math.max(starts[starts.length - 1]!, Math.floor((size * i) / count) - 1);
      let start = size;
      while (at < size) {
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, at);
        if (bytesRead === 0) break;
        const newline = chunk.subarray(0, bytesRead).indexOf(0x0a);
        if (newline >= 0) {
          start = at + newline + 1;
          break;
        }
        at += bytesRead;
      }
      if (start >= size) break;
      if (start > starts[starts.length - 1]!) starts.push(start);
    }
    // The last range reads to the end of the file, as one thread would, should it have grown since.
    return starts.map((start, i) => ({ start, end: starts[i + 1] ?? Number.POSITIVE_INFINITY }));
  } finally {
    await handle.close();
  }
}
