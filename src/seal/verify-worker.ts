/** Worker thread of parallel verification: reads, parses and hashes one range of a file, and posts what it found. */
import { parentPort, workerData } from "node:worker_threads";
import type { ByteRange, JsonLinesRead } from "./json-lines.js";
import { readJsonLines } from "./json-lines.js";
import type { ReadEvent } from "./recorded-reading.js";
import { RecordingReader } from "./recorded-reading.js";

export interface RangeTask {
  path: string;
  range: ByteRange;
  startsFile: boolean;
}

/** Posted as the range is read: events in batches, then the end. */
export type RangeMessage = { events: ReadEvent[] } | ({ events: ReadEvent[] } & JsonLinesRead & { done: true });

/** Events go out in batches while the range is read, so that the main thread takes them in (a copy each) while workers still read. */
const BATCH = 4096;

async function readRange({ path, range, startsFile }: RangeTask): Promise<void> {
  const reader = new RecordingReader();
  const port = parentPort!;
  const read = await readJsonLines(
    path,
    {
      document(document, number) {
        reader.document(document, number);
        if (reader.events.length >= BATCH) port.postMessage({ events: reader.events.splice(0) } satisfies RangeMessage);
      },
      skipped: (number) => reader.skipped(number),
    },
    { range, startsFile, stopAtUnreadableFirstLine: true },
  );
  port.postMessage({ ...read, done: true, events: reader.events } satisfies RangeMessage);
}

// A failure rejects unhandled, which ends the worker with an "error" event: the caller then reads the file itself.
void readRange(workerData as RangeTask);
