/**
 * captureValue() writes the JSON text of plain values directly (fastSnapshotJson) instead of
 * building the snapshot and stringifying it: the text must be the walker's, byte for byte, in
 * every case the fast path takes, and the fast path must step aside for everything else.
 */
import { expect, it } from "vitest";
import { createPolicy } from "../../src/capture/policy.js";
import type { SnapshotLimits } from "../../src/capture/snapshot.js";
import { DEFAULT_LIMITS, fastSnapshotJson, snapshot } from "../../src/capture/snapshot.js";
import { captureValue } from "../../src/capture/content.js";
import { createAdversary, mulberry32 } from "../support/adversarial.js";

const redacted = createPolicy("redacted", undefined, undefined);
const withCustom = createPolicy("redacted", { custom: (s) => s }, undefined);

function plainValues(seed: number): () => unknown {
  const rnd = mulberry32(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const strings = [
    "", "plain", "Bearer sk-abcdefghijklmnopqrstuvwx0123456789", "password=hunter2", 'quote " and \\ backslash', "line\nbreak\ttab\u0001",
    "lone \ud800 surrogate", "pair \ud83d\ude00 emoji", "…[+3 chars]", "x".repeat(199), "y".repeat(200), "z".repeat(201), "w".repeat(5000),
    "AKIAIOSFODNN7EXAMPLE", "ghp_0123456789abcdefghijABCDEFGHIJ012345", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefghijklmno", "traveller@example.com",
  ];
  const keys = ["a", "b", "query", "password", "api_key", "authorization", "token", "__proto__", "0", "10", "2", "[+1 more]", "k".repeat(250), "sk-abcdefghijklmnopqrstuvwx0123456789", "user", "x y"];
  const leaf = (): unknown => pick<() => unknown>([() => pick(strings), () => pick(strings) + int(100), () => int(1e6) - 5e5, () => rnd(), () => pick([0, -0, NaN, Infinity, -Infinity, 1e21, 5e-324]), () => rnd() < 0.5, () => null, () => undefined])();
  let nodes = 0;
  const size = (small: number[], big: number[]) => (depth0 && rnd() < 0.3 ? pick(big) : pick(small));
  let depth0 = false;
  const value = (depth: number): unknown => {
    depth0 = depth === 0;
    if (depth > 10 || nodes++ > 400 || rnd() < 0.35) return leaf();
    if (rnd() < 0.4) return Array.from({ length: size([0, 1, 3, 8], [63, 64, 65]) }, () => value(depth + 1));
    const o: Record<string, unknown> = rnd() < 0.1 ? Object.create(null) : {};
    const n = size([0, 1, 4, 10], [64, 65]);
    for (let i = 0; i < n; i++) {
      const k = rnd() < 0.7 ? pick(keys) : `key${int(50)}`;
      if (k === "__proto__") Object.defineProperty(o, k, { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
      else o[k] = value(depth + 1);
    }
    return o;
  };
  return () => {
    nodes = 0;
    return value(0);
  };
}

const LIMITS: Partial<SnapshotLimits>[] = [{}, { maxStringLength: 20 }, { maxTotal: 300 }, { maxTotal: 2000, maxStringLength: 50 }, { maxDepth: 2 }, { maxKeys: 3, maxItems: 3 }];

it("the fast JSON text is the walker's, byte for byte, wherever the fast path is taken", () => {
  const next = plainValues(0xfa57);
  const adversary = createAdversary(0xfa57);
  let fast = 0;
  let total = 0;
  for (let i = 0; i < 4000; i++) {
    const value = i % 4 === 3 ? adversary.next() : next();
    for (const policy of [undefined, redacted]) {
      for (const partial of LIMITS) {
        const limits: SnapshotLimits = { ...DEFAULT_LIMITS, ...partial, ...(policy ? { policy } : {}) };
        const text = fastSnapshotJson(value, limits);
        total++;
        if (text === undefined) continue;
        fast++;
        expect(text).toBe(JSON.stringify(snapshot(value, limits)));
      }
    }
  }
  expect(fast).toBeGreaterThan(total / 10);
});

it("steps aside for hash, summary and a custom redaction callback", () => {
  const value = { a: "b" };
  expect(fastSnapshotJson(value, { ...DEFAULT_LIMITS, policy: createPolicy("hash", undefined, undefined) })).toBeUndefined();
  expect(fastSnapshotJson(value, { ...DEFAULT_LIMITS, policy: createPolicy("summary", undefined, undefined) })).toBeUndefined();
  expect(fastSnapshotJson(value, { ...DEFAULT_LIMITS, policy: withCustom })).toBeUndefined();
  expect(fastSnapshotJson(value, { ...DEFAULT_LIMITS, policy: redacted })).toBe('{"a":"b"}');
});

it("captureValue keeps its snapshot: the preview is the text parsed", () => {
  const value = { q: "x", list: [1, "two", null, true], nested: { password: "hunter2" } };
  const captured = captureValue(value, 200, true, redacted);
  expect(captured.isJson).toBe(true);
  expect(captured.text).toBe(JSON.stringify(snapshot(value, { policy: redacted })));
  expect(captured.preview).toEqual(snapshot(value, { policy: redacted }));
});

it("the processors skip only the very text coat scrubbed, with the very scrubber", async () => {
  const { isScrubbedBy, markScrubbed } = await import("../../src/runtime/own-marks.js");
  const span = {};
  const text = JSON.stringify({ q: "x" });
  markScrubbed(span, "input", text, redacted.scrubber);
  expect(isScrubbedBy(span, "input", text, redacted.scrubber)).toBe(true);
  expect(isScrubbedBy(span, "input", '{"q":"sk-live-0123456789abcdef"}', redacted.scrubber)).toBe(false);
  expect(isScrubbedBy(span, "output", text, redacted.scrubber)).toBe(false);
  expect(isScrubbedBy(span, "input", text, withCustom.scrubber)).toBe(false);
  expect(isScrubbedBy({}, "input", text, redacted.scrubber)).toBe(false);
});

it("keys remembered as clean are remembered per scrubber: a sensitive key stays redacted whatever came before", () => {
  const value = { query: "x", password: "hunter2", nested: { password: "hunter2", api_key: "k" } };
  const raw: SnapshotLimits = { ...DEFAULT_LIMITS };
  const scrubbed: SnapshotLimits = { ...DEFAULT_LIMITS, policy: redacted };
  for (let i = 0; i < 3; i++) {
    expect(fastSnapshotJson(value, raw)).toBe(JSON.stringify(snapshot(value, raw)));
    const text = fastSnapshotJson(value, scrubbed);
    expect(text).toBe(JSON.stringify(snapshot(value, scrubbed)));
    expect(text).not.toContain("hunter2");
  }
});
