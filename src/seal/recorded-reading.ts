/**
 * What a worker thread read from its range of a file, as a list of events the main thread replays
 * into its Verification in file order: the lines counted and the records found, with locations
 * relative to the range's first line until the replay knows where the range starts.
 */
import type { JsonLineHandler } from "./json-lines.js";
import type { RecordLabel, RecordSink, SealedRecord } from "./otlp-read.js";
import { readOtlpDocument } from "./otlp-read.js";

export type ReadEvent =
  | { readonly t: "line"; readonly read: boolean }
  | { readonly t: "sealed"; readonly record: SealedRecord }
  | { readonly t: "unsealed"; readonly label: RecordLabel }
  | { readonly t: "malformed"; readonly chain: string | undefined; readonly label: RecordLabel; readonly reason: string };

/** Reads documents the way Verification.addDocument does, recording instead of verifying; a label's location is its line number in the range. */
export class RecordingReader implements JsonLineHandler, RecordSink {
  readonly events: ReadEvent[] = [];

  document(document: unknown, number: number): void {
    const read = readOtlpDocument(document, String(number), this);
    this.events.push({ t: "line", read });
  }

  skipped(_number: number): void {
    this.events.push({ t: "line", read: false });
  }

  sealed(record: SealedRecord): void {
    this.events.push({ t: "sealed", record });
  }

  unsealed(label: RecordLabel): void {
    this.events.push({ t: "unsealed", label });
  }

  malformed(chain: string | undefined, label: RecordLabel, reason: string): void {
    this.events.push({ t: "malformed", chain, label, reason });
  }
}

/** Where replayed events go: the sink, and the count of lines read and of those not OTLP JSON. */
export interface ReplayTarget extends RecordSink {
  countLine(read: boolean): void;
}

/** Replays a range's events into `target`, their locations as `path:line` with the range's lines numbered after `linesBefore`. */
export function replay(events: readonly ReadEvent[], target: ReplayTarget, path: string, linesBefore: number): void {
  // The events are this thread's own copies (cloned from the worker's message): their labels are rebased in place, not copied again.
  const rebased = <T extends RecordLabel>(label: T): T => {
    (label as { location: string }).location = `${path}:${linesBefore + Number(label.location)}`;
    return label;
  };
  for (const event of events) {
    switch (event.t) {
      case "line":
        target.countLine(event.read);
        break;
      case "sealed":
        target.sealed(rebased(event.record));
        break;
      case "unsealed":
        target.unsealed(rebased(event.label));
        break;
      case "malformed":
        target.malformed(event.chain, rebased(event.label), event.reason);
        break;
    }
  }
}
