import * as fs from "node:fs";
import { join } from "node:path";
import { describe } from "../runtime/report.js";
import type { Payload } from "./payload.js";
import type { Damage, Frame } from "./frame.js";
import { SEGMENT_HEADER, decodeFrames, encodeFrame } from "./frame.js";
import { parseSegmentFileName, processAlive, segmentFileName } from "./segment-name.js";
import type { SegmentName } from "./segment-name.js";

export interface SpoolLimits {
  /** Bytes on disk at most; past it the oldest segments go (default 256 MiB). */
  readonly maxBytes: number;
  /** Age at most; older segments go (default 7 days). */
  readonly maxAgeMs: number;
  /** A segment is closed and a new one started past this size (default 4 MiB). */
  readonly segmentBytes: number;
}

export type LossCause = "spool_full" | "spool_age" | "spool_unwritable" | "spool_damaged";

export interface SpoolEvents {
  /** Records that will never be sent, and why. */
  lost(records: number, cause: LossCause, detail: string): void;
  /** A damaged stretch of a segment, skipped (its records are reported through lost() when countable). */
  damaged(segment: string, damage: Damage): void;
}

interface Segment {
  readonly file: string;
  readonly name: SegmentName;
  bytes: number;
  /** Records written (for our own segments) or found (once loaded); undefined until known. */
  records: number | undefined;
  /** Offset reached by delivery (persisted in `<file>.cursor`). */
  offset: number;
  delivered: number;
  frames: Frame[] | undefined;
  /** Index of the first frame not acknowledged: the cursor. */
  next: number;
  /** Index of the next frame to hand out. */
  read: number;
  /** Frames acknowledged ahead of the cursor (sends finish out of order). */
  ahead: Set<number>;
  cursorWrite: Promise<void>;
}

/** A frame to send, and where it came from (to acknowledge it). */
export interface SpoolEntry {
  readonly payload: Frame;
  readonly segment: Segment;
  readonly index: number;
}

const FILE_MODE = 0o600;
export const LOSSES_FILE = "losses.json";
const DIR_MODE = 0o700;

/**
 * A bounded, append-only directory of segment files holding export requests that could not be
 * sent yet. Writes run in the background, one after another, and never on the caller's path
 * (`append`), except at process exit (`appendSync`). Segments are read back oldest first; a
 * delivered prefix is remembered in a cursor file, so a restart does not send it twice. Another
 * process's segments are left alone while it runs and claimed (renamed) once it is gone.
 */
export class Spool {
  private readonly segments: Segment[] = [];
  private writer: { segment: Segment; fd: number } | undefined;
  private queued: Payload[] = [];
  private writing: Payload[] = [];
  private writes: Promise<void> = Promise.resolve();
  private counter = 0;
  private broken: string | undefined;
  private dirReady = false;
  readonly ready: Promise<void>;

  constructor(
    readonly dir: string,
    private readonly limits: SpoolLimits,
    private readonly events: SpoolEvents,
  ) {
    this.ready = this.scan().catch(() => undefined);
  }

  /** Why the spool cannot be written (a read-only or missing disk), or undefined. */
  get unusable(): string | undefined {
    return this.broken;
  }

  /** Bytes waiting on disk and in the write queue. */
  get bytes(): number {
    let total = 0;
    for (const segment of this.segments) total += segment.bytes;
    for (const p of this.queued) total += p.bytes.length;
    return total;
  }

  /** Whether anything waits to be re-sent (on disk or about to be written). */
  get holdsData(): boolean {
    return this.queued.length > 0 || this.writing.length > 0 || this.segments.some((s) => s.records !== 0 && (s.records === undefined || s.delivered < s.records));
  }

  /** Queues a request for writing; returns at once. */
  append(payload: Payload): void {
    if (this.broken !== undefined) {
      this.events.lost(payload.count, "spool_unwritable", this.broken);
      return;
    }
    this.queued.push(payload);
    if (this.queued.length === 1 && this.writing.length === 0) this.writes = this.writes.then(() => this.writeQueued());
  }

  /** Resolves once everything appended so far is on disk (or counted lost). */
  settled(): Promise<void> {
    return this.writes;
  }

  /**
   * At process exit, where only synchronous work runs: writes what is queued (and what a
   * background write may not have finished) plus `more` into a segment of its own.
   */
  appendSync(more: readonly Payload[]): void {
    const all = [...this.writing, ...this.queued, ...more];
    this.writing = [];
    this.queued = [];
    if (all.length === 0) return;
    if (this.broken !== undefined) {
      this.events.lost(countOf(all), "spool_unwritable", this.broken);
      return;
    }
    try {
      this.ensureDirSync();
      const segment = this.newSegment();
      const fd = fs.openSync(join(this.dir, segment.file), "a", FILE_MODE);
      try {
        const body = Buffer.concat([SEGMENT_HEADER, ...all.map(encodeFrame)]);
        fs.writeSync(fd, body);
        segment.bytes = body.length;
        segment.records = countOf(all);
      } finally {
        fs.closeSync(fd);
      }
    } catch (error) {
      this.events.lost(countOf(all), "spool_unwritable", describe(error));
    }
  }

  /**
   * The oldest request neither handed out nor delivered, or undefined when none is left to hand
   * out. Requests given back with retry() come first.
   */
  async next(): Promise<SpoolEntry | undefined> {
    await this.ready;
    await this.writes;
    while (this.again.length > 0) {
      const entry = this.again.shift()!;
      if (this.segments.includes(entry.segment)) return entry;
    }
    for (let i = 0; i < this.segments.length; i++) {
      const segment = this.segments[i]!;
      if (this.writer?.segment === segment) this.closeWriter();
      if (segment.frames === undefined) await this.load(segment);
      const frames = segment.frames ?? [];
      if (segment.read < frames.length) return { payload: frames[segment.read]!, segment, index: segment.read++ };
      if (segment.next >= frames.length) {
        await this.remove(segment);
        i = -1; // the list changed: look again from the oldest
      }
    }
    return undefined;
  }

  /** Gives back a request that could not be sent: next() hands it out again before newer ones. */
  retry(entry: SpoolEntry): void {
    this.again.push(entry);
    this.again.sort((a, b) => this.segments.indexOf(a.segment) - this.segments.indexOf(b.segment) || a.index - b.index);
  }

  /**
   * Marks an entry delivered (or given up on): it will not be read again, by this run or a later
   * one. The cursor moves over the delivered prefix; a request delivered ahead of an earlier one
   * still in flight is remembered in memory until the cursor reaches it.
   */
  async ack(entry: SpoolEntry): Promise<void> {
    const { segment, index } = entry;
    if (!this.segments.includes(segment) || index < segment.next) return;
    segment.ahead.add(index);
    const frames = segment.frames ?? [];
    let moved = false;
    while (segment.ahead.delete(segment.next)) {
      const frame = frames[segment.next]!;
      segment.delivered += frame.count;
      segment.offset = frame.end;
      segment.next++;
      moved = true;
    }
    if (segment.next >= frames.length) await this.remove(segment);
    else if (moved) {
      segment.cursorWrite = segment.cursorWrite.then(() =>
        fs.promises.writeFile(join(this.dir, `${segment.file}.cursor`), String(segment.offset), { mode: FILE_MODE }).catch(() => undefined),
      );
      await segment.cursorWrite;
    }
  }

  private again: SpoolEntry[] = [];

  /** Adds to the folder's running loss totals (`losses.json`), which `coat status` reads. */
  recordLoss(records: number, cause: string): void {
    this.lossWrites = this.lossWrites.then(async () => {
      const file = join(this.dir, LOSSES_FILE);
      const totals = await readLosses(this.dir);
      totals[cause] = (totals[cause] ?? 0) + records;
      await fs.promises.mkdir(this.dir, { recursive: true, mode: DIR_MODE });
      await fs.promises.writeFile(file, `${JSON.stringify(totals)}\n`, { mode: FILE_MODE });
    }).catch(() => undefined);
  }

  private lossWrites: Promise<void> = Promise.resolve();

  /** Looks again for segments other processes left (they may have ended since). */
  rescan(): Promise<void> {
    return this.scan().catch(() => undefined);
  }

  /** Closes the open segment (the spool can be read by a later run as it is). */
  async close(): Promise<void> {
    await this.writes;
    this.closeWriter();
  }

  private async writeQueued(): Promise<void> {
    while (this.queued.length > 0) {
      this.writing = this.queued;
      this.queued = [];
      const batch = this.writing;
      try {
        if (this.broken !== undefined) throw new Error(this.broken);
        const writer = await this.openWriter();
        const body = Buffer.concat(batch.map(encodeFrame));
        await write(writer.fd, body);
        writer.segment.bytes += body.length;
        writer.segment.records = (writer.segment.records ?? 0) + countOf(batch);
        if (writer.segment.bytes >= this.limits.segmentBytes) this.closeWriter();
      } catch (error) {
        this.broken ??= `${this.dir}: ${describe(error)}`;
        this.events.lost(countOf(batch), "spool_unwritable", this.broken);
      }
      this.writing = [];
      await this.enforceLimits();
    }
  }

  private async openWriter(): Promise<{ segment: Segment; fd: number }> {
    if (this.writer !== undefined) return this.writer;
    await this.ready;
    if (!this.dirReady) {
      await fs.promises.mkdir(this.dir, { recursive: true, mode: DIR_MODE });
      this.dirReady = true;
    }
    const segment = this.newSegment();
    const fd = await new Promise<number>((resolve, reject) => fs.open(join(this.dir, segment.file), "a", FILE_MODE, (e, fd) => (e ? reject(e) : resolve(fd))));
    await write(fd, SEGMENT_HEADER);
    segment.bytes = SEGMENT_HEADER.length;
    segment.records = 0;
    this.writer = { segment, fd };
    return this.writer;
  }

  private newSegment(): Segment {
    const name = { created: Date.now(), pid: process.pid, counter: this.counter++ };
    const segment: Segment = { file: segmentFileName(name), name, bytes: 0, records: 0, offset: SEGMENT_HEADER.length, delivered: 0, ...unread() };
    this.segments.push(segment);
    return segment;
  }

  private closeWriter(): void {
    const writer = this.writer;
    if (writer === undefined) return;
    this.writer = undefined;
    fs.close(writer.fd, () => undefined);
  }

  private ensureDirSync(): void {
    if (this.dirReady) return;
    fs.mkdirSync(this.dir, { recursive: true, mode: DIR_MODE });
    this.dirReady = true;
  }

  private async load(segment: Segment): Promise<void> {
    let content: Buffer;
    try {
      content = await fs.promises.readFile(join(this.dir, segment.file));
    } catch {
      segment.frames = [];
      return;
    }
    const { frames, damage } = decodeFrames(content, segment.offset);
    for (const d of damage) this.events.damaged(segment.file, d);
    segment.frames = frames;
    segment.next = 0;
    segment.read = 0;
    segment.ahead.clear();
    segment.bytes = content.length;
    segment.records = segment.delivered + countOf(frames);
  }

  private async remove(segment: Segment): Promise<void> {
    const at = this.segments.indexOf(segment);
    if (at >= 0) this.segments.splice(at, 1);
    if (this.writer?.segment === segment) this.closeWriter();
    await Promise.all([fs.promises.rm(join(this.dir, segment.file), { force: true }), fs.promises.rm(join(this.dir, `${segment.file}.cursor`), { force: true })]).catch(() => undefined);
  }

  /** The oldest data goes first once the spool is over its size or age limit; what it held is counted lost. */
  private async enforceLimits(): Promise<void> {
    const oldest = Date.now() - this.limits.maxAgeMs;
    while (this.segments.length > 1) {
      const segment = this.segments[0]!;
      const tooOld = segment.name.created < oldest;
      if (!tooOld && this.bytes <= this.limits.maxBytes) break;
      if (segment.records === undefined) await this.load(segment);
      const lost = (segment.records ?? 0) - segment.delivered;
      await this.remove(segment);
      if (lost > 0) this.events.lost(lost, tooOld ? "spool_age" : "spool_full", `${segment.file} (${tooOld ? `older than ${this.limits.maxAgeMs} ms` : `spool over ${this.limits.maxBytes} bytes`})`);
    }
  }

  private async scan(): Promise<void> {
    let files: string[];
    try {
      files = await fs.promises.readdir(this.dir);
    } catch {
      return;
    }
    this.dirReady = true;
    for (const file of files.sort()) {
      const name = parseSegmentFileName(file);
      if (name === undefined || this.segments.some((s) => s.file === file)) continue;
      let own = file;
      if (name.pid !== process.pid) {
        if (processAlive(name.pid)) continue;
        own = segmentFileName({ ...name, pid: process.pid });
        if (this.segments.some((s) => s.file === own)) continue;
        try {
          await fs.promises.rename(join(this.dir, file), join(this.dir, own));
        } catch {
          continue; // another process claimed it first
        }
        await fs.promises.rename(join(this.dir, `${file}.cursor`), join(this.dir, `${own}.cursor`)).catch(() => undefined);
      }
      const offset = Number(await fs.promises.readFile(join(this.dir, `${own}.cursor`), "latin1").catch(() => ""));
      const size = (await fs.promises.stat(join(this.dir, own)).catch(() => undefined))?.size ?? 0;
      this.segments.push({ file: own, name: { ...name, pid: process.pid }, bytes: size, records: undefined, offset: Number.isInteger(offset) && offset > 0 ? offset : SEGMENT_HEADER.length, delivered: 0, ...unread() });
    }
    this.segments.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    await this.enforceLimits();
  }
}

/** A folder's loss totals by cause (empty when none were recorded). */
export async function readLosses(dir: string): Promise<Record<string, number>> {
  try {
    const parsed: unknown = JSON.parse(await fs.promises.readFile(join(dir, LOSSES_FILE), "utf8"));
    return parsed !== null && typeof parsed === "object" ? (parsed as Record<string, number>) : {};
  } catch {
    return {};
  }
}

async function write(fd: number, data: Buffer): Promise<void> {
  let at = 0;
  while (at < data.length) {
    at += await new Promise<number>((resolve, reject) => fs.write(fd, data, at, data.length - at, null, (error, written) => (error ? reject(error) : resolve(written))));
  }
}

function unread(): Pick<Segment, "frames" | "next" | "read" | "ahead" | "cursorWrite"> {
  return { frames: undefined, next: 0, read: 0, ahead: new Set(), cursorWrite: Promise.resolve() };
}

function countOf(payloads: readonly Payload[]): number {
  let n = 0;
  for (const p of payloads) n += p.count;
  return n;
}
