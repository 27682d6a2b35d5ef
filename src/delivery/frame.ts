import type { Payload } from "./payload.js";
import { crc32 } from "./crc32.js";

/**
 * A spool segment is a file header followed by frames, one per export request:
 *
 *     magic "CSF1" | u32 length | u32 record count | u32 CRC-32 of the body | body
 *
 * (big-endian). A frame whose body does not match its checksum, or that the file ends inside, is
 * skipped: reading resumes at the next magic, so one damaged frame costs only itself.
 */
export const SEGMENT_HEADER = Buffer.from("agent-coat spool 1\n", "latin1");
const MAGIC = 0x43534631; // "CSF1"
export const FRAME_HEADER_BYTES = 16;
/** No export request is this large; a length above it is damage, not data. */
const MAX_BODY_BYTES = 256 * 1024 * 1024;

export function encodeFrame(payload: Payload): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.bytes.length);
  frame.writeUInt32BE(MAGIC, 0);
  frame.writeUInt32BE(payload.bytes.length, 4);
  frame.writeUInt32BE(payload.count, 8);
  frame.writeUInt32BE(crc32(payload.bytes), 12);
  frame.set(payload.bytes, FRAME_HEADER_BYTES);
  return frame;
}

export interface Frame extends Payload {
  /** Offset just past this frame: where reading goes on once it is delivered. */
  readonly end: number;
}

export interface Damage {
  /** Where the damaged stretch starts and how long it is. */
  readonly offset: number;
  readonly bytes: number;
  readonly reason: "checksum" | "truncated" | "header";
  /** The records the damaged frame said it held, when its header is still readable (else 0). */
  readonly records: number;
}

/** The intact frames of a segment from `offset`, and the stretches that had to be skipped. */
export function decodeFrames(segment: Buffer, offset = SEGMENT_HEADER.length): { frames: Frame[]; damage: Damage[] } {
  const frames: Frame[] = [];
  const damage: Damage[] = [];
  if (offset === SEGMENT_HEADER.length && !segment.subarray(0, SEGMENT_HEADER.length).equals(SEGMENT_HEADER)) {
    damage.push({ offset: 0, bytes: Math.min(segment.length, SEGMENT_HEADER.length), reason: "header", records: 0 });
  }
  let at = offset;
  while (at < segment.length) {
    const problem = frameProblem(segment, at);
    if (problem === undefined) {
      const length = segment.readUInt32BE(at + 4);
      const start = at + FRAME_HEADER_BYTES;
      frames.push({ bytes: segment.subarray(start, start + length), count: segment.readUInt32BE(at + 8), end: start + length });
      at = start + length;
      continue;
    }
    const next = nextMagic(segment, at + 1);
    const readable = segment.length - at >= 12 && segment.readUInt32BE(at) === MAGIC;
    damage.push({ offset: at, bytes: next - at, reason: problem, records: readable ? segment.readUInt32BE(at + 8) : 0 });
    at = next;
  }
  return { frames, damage };
}

function frameProblem(segment: Buffer, at: number): Damage["reason"] | undefined {
  if (segment.length - at < FRAME_HEADER_BYTES) return "truncated";
  if (segment.readUInt32BE(at) !== MAGIC) return "checksum";
  const length = segment.readUInt32BE(at + 4);
  if (length > MAX_BODY_BYTES) return "checksum";
  const start = at + FRAME_HEADER_BYTES;
  if (start + length > segment.length) return "truncated";
  return crc32(segment.subarray(start, start + length)) === segment.readUInt32BE(at + 12) ? undefined : "checksum";
}

function nextMagic(segment: Buffer, from: number): number {
  for (let i = from; i + 4 <= segment.length; i++) {
    if (segment[i] === 0x43 && segment.readUInt32BE(i) === MAGIC) return i;
  }
  return segment.length;
}
