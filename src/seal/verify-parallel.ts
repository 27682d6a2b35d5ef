/**
 * Parallel reading for `coat verify`: a large file is cut at line boundaries into ranges that
 * this thread and worker threads read, parse and hash at once (JSON.parse and the canonical form
 * are most of the cost, and both are per line); this thread then replays what the workers found,
 * in file order, so the report is the one a single thread gives.
 */
import { open } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ByteRange, JsonLinesRead } from "./json-lines.js";
import { readJsonLines } from "./json-lines.js";
import type { ReadEvent, ReplayTarget } from "./recorded-reading.js";
import { RecordingReader, replay } from "./recorded-reading.js";
import type { RangeMessage, RangeTask } from "./verify-worker.js";
import { verifyWorkerFile } from "./verify-worker-file.js";

/** Per worker, at least this much of the file: below two of these (8 MiB) starting workers would cost more than they save. */
const RANGE_MIN_BYTES = 4 * 1024 * 1024;
const MAX_DEFAULT_THREADS = 4;

export function defaultThreads(): number {
  return Math.max(1, Math.min(availableParallelism(), MAX_DEFAULT_THREADS));
}

/** How a parallel read went: the records read, or the file's first line not JSON (nothing read), or not done (nothing read). */
export type ParallelRead = { read: "done"; threads: number } | { read: "first-line-unreadable" } | { read: "not-parallel" };

/** Where the records go: this thread's own range is read into it directly, the workers' ranges replayed. */
export interface ParallelTarget extends ReplayTarget {
  addDocument(document: unknown, location: string): boolean;
}

/**
 * This thread reads the file's first range itself while `threads - 1` workers read the others:
 * only their records cross between threads. A worker that cannot start or fails has its range read
 * here instead, so the report is the same.
 */
export async function readInParallel(path: string, size: number, threads: number, target: ParallelTarget, workerScript = verifyWorkerFile): Promise<ParallelRead> {
  const count = Math.min(threads, Math.floor(size / RANGE_MIN_BYTES));
  const script = count < 2 ? undefined : workerScript();
  if (script === undefined) return { read: "not-parallel" };
  const ranges = await lineRanges(path, size, cutsFor(count));
  if (ranges.length < 2) return { read: "not-parallel" };
  const workers: Worker[] = [];
  let abandoned = false;
  const others = ranges.slice(1).map((range) => {
    const task: RangeTask = { path, range, startsFile: false };
    return readRange(script, task, workers).catch((): Promise<RangeRead | undefined> => (abandoned ? Promise.resolve(undefined) : readRangeHere(task)));
  });
  try {
    const own = await readJsonLines(
      path,
      { document: (document, number) => target.addDocument(document, `${path}:${number}`), skipped: () => target.countLine(false) },
      { range: ranges[0]!, startsFile: true, stopAtUnreadableFirstLine: true },
    );
    if (own.stoppedAtFirstLine) return { read: "first-line-unreadable" };
    let linesBefore = own.lines;
    let threadsThatRead = 1;
    for (const other of others) {
      const result = (await other)!;
      if (result.onWorker) threadsThatRead++;
      for (const events of result.batches) replay(events, target, path, linesBefore);
      linesBefore += result.lines;
    }
    return { read: "done", threads: threadsThatRead };
  } finally {
    // Done, stopped at the first line, or failed reading here: no worker goes on, and no range left is read here.
    abandoned = true;
    for (const worker of workers) void worker.terminate();
    for (const other of others) other.catch(() => undefined);
  }
}

interface RangeRead extends JsonLinesRead {
  batches: ReadEvent[][];
  onWorker: boolean;
}

/**
 * Taking in a worker's records costs this thread about this share of what reading them would
 * (measured on the file sink's output: cloned records and their garbage), so its own range is
 * that much shorter than a worker's.
 */
const INTAKE_COST = 0.07;

/** Where the ranges end, as shares of the file: this thread's range, then `count - 1` equal ones. */
function cutsFor(count: number): number[] {
  const workers = count - 1;
  const own = Math.max(0, 1 - INTAKE_COST * workers) / (workers * (1 - INTAKE_COST) + 1);
  return Array.from({ length: workers }, (_, i) => own + ((1 - own) * i) / workers);
}

/** A range a worker could not read, read on this thread the way a worker reads it. */
async function readRangeHere(task: RangeTask): Promise<RangeRead> {
  const reader = new RecordingReader();
  const read = await readJsonLines(task.path, reader, { range: task.range, startsFile: task.startsFile, stopAtUnreadableFirstLine: true });
  return { ...read, batches: [reader.events], onWorker: false };
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
      if ("done" in message) resolve({ lines: message.lines, stoppedAtFirstLine: message.stoppedAtFirstLine, batches, onWorker: true });
    });
    const fail = (error: unknown) => {
      void worker.terminate(); // a worker whose message could not be read would go on reading what is now read here
      reject(error);
    };
    worker.once("error", fail);
    worker.once("messageerror", fail);
    worker.once("exit", (code) => reject(new Error(`verify worker exited with code ${code}`)));
  });
}

/** Ranges ending near `cuts` (shares of the file), each starting at a line's first byte (fewer when lines are longer than a range). */
async function lineRanges(path: string, size: number, cuts: readonly number[]): Promise<ByteRange[]> {
  const handle = await open(path, "r");
  try {
    const starts = [0];
    const chunk = Buffer.allocUnsafe(64 * 1024);
    for (const cut of cuts) {
      // From the byte before the cut: a line that starts at the cut starts a range there.
      let at = Math.max(starts[starts.length - 1]!, Math.floor(size * cut) - 1);
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
