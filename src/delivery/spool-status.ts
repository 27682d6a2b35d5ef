import * as fs from "node:fs";
import { join } from "node:path";
import { SEGMENT_HEADER, decodeFrames } from "./frame.js";
import { parseSegmentFileName, processAlive } from "./segment-name.js";
import { LOSSES_FILE, readLosses } from "./spool.js";

/** What one destination's spool folder holds: read by `coat status`. */
export interface SpoolFolderStatus {
  readonly dir: string;
  readonly segments: number;
  /** Spans or log records waiting to be re-sent. */
  readonly records: number;
  readonly bytes: number;
  /** When the oldest waiting segment was started (ms since epoch), if any. */
  readonly oldest: number | undefined;
  /** Segments a running process is still writing (it re-sends them itself). */
  readonly live: number;
  /** Bytes that are damaged (a crash mid-write, a flipped bit): skipped when re-sent. */
  readonly damagedBytes: number;
  /** Records given up on so far, by cause. */
  readonly lost: Readonly<Record<string, number>>;
}

/** Every spool folder under `root` (a service's root, the root of all services, or one folder). */
export async function spoolStatus(root: string): Promise<SpoolFolderStatus[]> {
  const out: SpoolFolderStatus[] = [];
  await walk(root, 0, out);
  return out.sort((a, b) => (a.dir < b.dir ? -1 : 1));
}

async function walk(dir: string, depth: number, out: SpoolFolderStatus[]): Promise<void> {
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  const segments = entries.filter((e) => e.isFile() && parseSegmentFileName(e.name) !== undefined).map((e) => e.name);
  if (segments.length > 0 || entries.some((e) => e.name === LOSSES_FILE)) out.push(await folderStatus(dir, segments.sort()));
  if (depth >= 3) return;
  for (const entry of entries) if (entry.isDirectory()) await walk(join(dir, entry.name), depth + 1, out);
}

async function folderStatus(dir: string, segments: string[]): Promise<SpoolFolderStatus> {
  let records = 0;
  let bytes = 0;
  let damagedBytes = 0;
  let live = 0;
  for (const file of segments) {
    const content = await fs.promises.readFile(join(dir, file)).catch(() => Buffer.alloc(0));
    const cursor = Number(await fs.promises.readFile(join(dir, `${file}.cursor`), "latin1").catch(() => ""));
    const { frames, damage } = decodeFrames(content, Number.isInteger(cursor) && cursor > 0 ? cursor : SEGMENT_HEADER.length);
    for (const frame of frames) records += frame.count;
    for (const d of damage) damagedBytes += d.bytes;
    bytes += content.length;
    const name = parseSegmentFileName(file)!;
    if (name.pid !== process.pid && processAlive(name.pid)) live++;
  }
  return { dir, segments: segments.length, records, bytes, oldest: segments.length > 0 ? parseSegmentFileName(segments[0]!)!.created : undefined, live, damagedBytes, lost: await readLosses(dir) };
}
