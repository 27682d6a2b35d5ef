/**
 * Thousands of adversarial values through coat() in every capture mode, exported for real: the
 * program sees the same results and errors, nothing throws, no capture runs user code, and every
 * exported attribute stays bounded.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { coat, Op } from "../../src/index.js";
import type { CaptureMode } from "../../src/capture/modes.js";
import { createAdversary } from "../support/adversarial.js";
import type { Harness } from "../support/harness.js";
import { startHarness } from "../support/harness.js";
import type { AttrValue } from "../support/otlp-receiver.js";

const MODES: readonly CaptureMode[] = ["none", "redacted", "hash", "summary", "raw"];
const VALUES = 1000;
// JSON content is bounded by the snapshot budget (16 KB) plus its documented overshoot; stacks by 4 × 200.
const MAX_ATTRIBUTE = 16_384 + 512;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({});
});
afterAll(async () => {
  await h.close();
});

function longest(value: AttrValue): number {
  if (typeof value === "string") return value.length;
  if (Array.isArray(value)) return value.reduce<number>((max, item) => Math.max(max, longest(item)), 0);
  return 0;
}

it(`${VALUES} adversarial values × ${MODES.length} modes: results, errors and the program unchanged; exports bounded`, async () => {
  const adversary = createAdversary(0x5eed);
  const wrappers = MODES.map((mode) => ({
    mode,
    echo: coat(Op.TOOL, { capture: mode, name: `echo-${mode}` }, function echo(value: unknown) {
      return value;
    }),
    raise: coat(Op.TOOL, { capture: mode, name: `raise-${mode}` }, function raise(value: unknown) {
      throw value;
    }),
  }));
  const tenMegabytes = "p".repeat(10 * 1024 * 1024);
  const failures: string[] = [];
  let calls = 0;
  for (let i = 0; i < VALUES; i++) {
    const value = i % 150 === 7 ? tenMegabytes : adversary.next();
    for (const { mode, echo, raise } of wrappers) {
      try {
        if (!Object.is(echo(value), value)) failures.push(`#${i} ${mode}: echo changed the result`);
      } catch (error) {
        failures.push(`#${i} ${mode}: echo threw ${String(error)}`);
      }
      try {
        raise(value);
        failures.push(`#${i} ${mode}: raise returned`);
      } catch (error) {
        if (!Object.is(error, value)) failures.push(`#${i} ${mode}: raise threw something else`);
      }
      calls += 2;
    }
    // Keep the batch queues (2048) from overflowing: export as we go.
    if (i % 50 === 49) await h.flush();
  }
  expect(failures).toEqual([]);
  expect(adversary.userCode()).toBe(0);
  const spans = await h.spans(calls, 60_000);
  expect(spans).toHaveLength(calls);
  const oversized: string[] = [];
  for (const span of spans) {
    for (const [key, value] of Object.entries(span.attributes)) if (longest(value) > MAX_ATTRIBUTE) oversized.push(`${span.name} ${key}: ${longest(value)}`);
    for (const event of span.events) {
      for (const [key, value] of Object.entries(event.attributes)) if (longest(value) > MAX_ATTRIBUTE) oversized.push(`${span.name} event ${key}: ${longest(value)}`);
    }
    if (span.name.startsWith("echo-none") || span.name.startsWith("raise-none")) {
      expect(span.attributes["input.value"]).toBeUndefined();
    }
  }
  expect(oversized).toEqual([]);
  expect(h.receiver.allWireText()).not.toContain("p".repeat(1000));
}, 180_000);
