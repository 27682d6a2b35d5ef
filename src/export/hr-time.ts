import type { HrTime } from "@opentelemetry/api";
import type { ProtoWriter } from "./proto-writer.js";

const NANOS_PER_SECOND = 1_000_000_000;
const TWO_16 = 0x10000;
const TWO_32 = 0x100000000;

/**
 * [seconds, nanos] as fixed64 nanoseconds without BigInt. seconds * 1e9 overflows 2^53 for
 * Unix times, so seconds is split at bit 16 and each half multiplied separately; the same
 * arithmetic as OTel's writeHrTimeAsFixed64, so out-of-range inputs wrap the same way.
 */
export function writeHrTime(w: ProtoWriter, time: HrTime): void {
  const seconds = time[0];
  const nanos = time[1];
  const fromLow = (seconds & 0xffff) * NANOS_PER_SECOND;
  const fromHigh = ((seconds / TWO_16) >>> 0) * NANOS_PER_SECOND;
  const low = (fromLow >>> 0) + (((fromHigh & 0xffff) * TWO_16) >>> 0) + nanos;
  const high = Math.floor(fromLow / TWO_32) + ((fromHigh / TWO_16) >>> 0) + Math.floor(low / TWO_32);
  w.fixed64(low >>> 0, high >>> 0);
}
