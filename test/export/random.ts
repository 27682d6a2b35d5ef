/**
 * Seeded random inputs for the serializer property tests: strings and attribute values chosen to
 * reach every encoding branch (length-prefix sizes, the short/long string threshold, non-ASCII,
 * lone surrogates, int64 edges, doubles, bytes, nesting, values OTLP cannot carry).
 */
import { mulberry32 } from "../support/adversarial.js";

export type Random = () => number;

/** Reproducible from the seed a failure reports. */
export const seeded: (seed: number) => Random = mulberry32;

export const int = (r: Random, n: number): number => Math.floor(r() * n);
export const pick = <T>(r: Random, xs: readonly T[]): T => xs[int(r, xs.length)]!;
export const chance = (r: Random, p: number): boolean => r() < p;

const ALPHABETS = [
  "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789{}[]\":,.-_\\/\n\t",
  "éàüßçñøÅ©®°±µ¿",
  "日本語中文한국어Ωπж€—‘’",
  "😀🚀👍🏽𝄞🤖",
  "\ud800\udbff\udc00\udfff",
  "a\u007f\u0080\u07ff\u0800\uffff\u0000",
];

/** Lengths around the writer's short-string threshold (16; it was 48 and 128 in trials) and the 1/2/3-byte length prefixes. */
const LENGTHS = [0, 1, 2, 7, 15, 16, 17, 31, 46, 47, 48, 49, 50, 63, 64, 65, 100, 126, 127, 128, 129, 300, 2000, 5461, 5462, 16383, 16384, 16385];

export function randomString(r: Random): string {
  const n = chance(r, 0.7) ? pick(r, LENGTHS) : int(r, 200);
  const mix = int(r, 4);
  if (mix === 0) return "x".repeat(n);
  let s = "";
  const alphabet = pick(r, ALPHABETS);
  const other = pick(r, ALPHABETS);
  while (s.length < Math.min(n, 64)) s += chance(r, 0.95) ? alphabet[int(r, alphabet.length)] : other[int(r, other.length)];
  // Long strings repeat a random 64-unit stem: generating them char by char dominated the test's time.
  if (s.length < n) s = s.repeat(Math.ceil(n / s.length));
  return mix === 1 ? s.slice(0, n) : s;
}

const INTEGERS = [
  0, -0, 1, -1, 127, 128, 255, 16383, 16384, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, -(2 ** 31), -(2 ** 31) - 1,
  2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, -(2 ** 32) - 1, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53) + 1, -(2 ** 53) - 2,
  2 ** 63, -(2 ** 63), 2 ** 63 - 1024, -(2 ** 63) + 1024, 2 ** 64, -(2 ** 64), 1e21, 1746000000123,
];
const DOUBLES = [NaN, Infinity, -Infinity, 0.5, -0.5, 612.4, 1e-300, Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, Math.PI, 2 ** 63 + 0.5, 0.1 + 0.2];

export function randomNumber(r: Random): number {
  const k = int(r, 4);
  if (k === 0) return pick(r, INTEGERS);
  if (k === 1) return pick(r, DOUBLES);
  if (k === 2) return int(r, 1_000_000) - 500_000;
  return (r() - 0.5) * 10 ** int(r, 30);
}

export function randomBytes(r: Random): Uint8Array {
  const out = new Uint8Array(pick(r, [0, 1, 16, 127, 128, 300]));
  for (let i = 0; i < out.length; i++) out[i] = int(r, 256);
  return chance(r, 0.3) ? Buffer.from(out) : out;
}

/** Any value, including ones OTLP has no field for (they encode as an empty AnyValue). */
export function randomValue(r: Random, depth = 0): unknown {
  const k = int(r, depth > 2 ? 8 : 12);
  switch (k) {
    case 0:
    case 1:
      return randomString(r);
    case 2:
      return chance(r, 0.5);
    case 3:
    case 4:
      return randomNumber(r);
    case 5:
      return randomBytes(r);
    case 6:
      return chance(r, 0.5) ? null : undefined;
    case 7:
      return pick(r, [() => 1, 10n, Symbol("s"), new Map([["a", 1]]), new Date(0), new Int8Array([1, -2])]);
    case 8:
    case 9:
      return Array.from({ length: pick(r, [0, 1, 3, 8]) }, () => randomValue(r, depth + 1));
    default:
      return randomObject(r, depth + 1);
  }
}

export function randomObject(r: Random, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const n = pick(r, [0, 1, 2, 5, 12]);
  for (let i = 0; i < n; i++) out[chance(r, 0.1) ? String(int(r, 20)) : randomKey(r)] = randomValue(r, depth);
  return out;
}

export function randomKey(r: Random): string {
  return chance(r, 0.8) ? pick(r, ["input.value", "output.value", "llm.model_name", "a", "", "envpod.op", "ключ", "🔑", "x".repeat(130)]) : randomString(r);
}

/** A primitive or homogeneous array: what the SDK keeps as a span attribute. */
export function randomSdkAttribute(r: Random): string | number | boolean | (string | null)[] | (number | undefined)[] {
  const k = int(r, 6);
  if (k < 2) return randomString(r);
  if (k === 2) return chance(r, 0.5);
  if (k === 3) return randomNumber(r);
  if (k === 4) return Array.from({ length: int(r, 4) }, () => (chance(r, 0.2) ? null : randomString(r)));
  return Array.from({ length: int(r, 4) }, () => (chance(r, 0.2) ? undefined : randomNumber(r)));
}

export function randomHex(r: Random, bytes: number): string {
  let s = "";
  for (let i = 0; i < bytes * 2; i++) s += "0123456789abcdefABCDEF"[int(r, chance(r, 0.9) ? 16 : 22)];
  return s;
}

export function randomHrTime(r: Random): [number, number] {
  return pick(r, [
    () => [0, 0] as [number, number],
    () => [1746000000 + int(r, 1_000_000), int(r, 1_000_000_000)] as [number, number],
    () => [int(r, 100), int(r, 1_000_000_000)] as [number, number],
    () => [18_446_744_073, 709_551_615] as [number, number],
    () => [4_294_967_295 + int(r, 10), 999_999_999] as [number, number],
    () => [65535, 999_999_999] as [number, number],
  ])();
}
