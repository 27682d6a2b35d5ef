import { createHash } from "node:crypto";
// The canonical writer remembers entries, key orders and shared values between records: what it
// writes must stay exactly what a fresh writer would write.
import { describe, expect, it } from "vitest";
import { anyValueText, keyValuesText } from "../../src/seal/canonical-values.js";
import { canonicalizeJson } from "../../src/seal/jcs.js";
import { share } from "../../src/runtime/shared-values.js";

/** The canonical text written from scratch: JCS of the OTLP-shaped list. */
function expected(values: Record<string, unknown>): string {
  const any = (v: unknown): unknown =>
    typeof v === "string" ? (v.length >= 1024 ? { stringSha256: createHash("sha256").update(v).digest("hex") } : { stringValue: v })
    : typeof v === "boolean" ? { boolValue: v }
    : typeof v === "number" ? (Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v })
    : Array.isArray(v) ? { arrayValue: { values: v.map(any) } }
    : v !== null && typeof v === "object" ? { kvlistValue: { values: list(v as Record<string, unknown>) } }
    : {};
  const list = (o: Record<string, unknown>) => Object.keys(o).sort().map((key) => ({ key, value: any(o[key]) }));
  return canonicalizeJson(list(values));
}

describe("canonical writer caches", () => {
  it("a key whose value changes between records is written with its new value", () => {
    const a = { "aotp.step_id": "step_1", "tool.name": "search", n: 1 };
    expect(keyValuesText(a)).toBe(expected(a));
    const b = { "aotp.step_id": "step_2", "tool.name": "search", n: 2 };
    expect(keyValuesText(b)).toBe(expected(b));
    expect(keyValuesText(a)).toBe(expected(a));
  });

  it("the same keys in another order, or one key more, sort afresh", () => {
    const first = { b: "1", a: "2", c: "3" };
    const reordered = { c: "3", a: "2", b: "1" };
    const more = { b: "1", a: "2", c: "3", aa: "4" };
    for (const values of [first, reordered, more, first]) expect(keyValuesText(values)).toBe(expected(values));
  });

  it("an object inside a body changes with its content; a shared one is written once and stays right", () => {
    const body = { ids: { step_id: "s1" }, capture: share({ mode: "redacted" }) };
    const text = anyValueText(body);
    expect(text).toBe(canonicalizeJson({ kvlistValue: { values: JSON.parse(expected(body)) } }));
    body.ids.step_id = "s2";
    expect(anyValueText(body)).not.toBe(text);
    expect(anyValueText(body)).toBe(canonicalizeJson({ kvlistValue: { values: JSON.parse(expected(body)) } }));
    expect(Object.isFrozen(body.capture)).toBe(true);
  });

  it("strings past 64 K characters are written afresh every time, and right (form v2: by their digest)", () => {
    const long = "a".repeat(70_000);
    const a = { "input.value": long };
    const b = { "input.value": `${long.slice(1)}b` };
    for (const values of [a, b, a]) expect(keyValuesText(values)).toBe(expected(values));
  });

  it("many keys and many shapes (past every bound) stay exact", () => {
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 5000; i++) {
        const values = { [`k${i}`]: `v${i}-${round}`, [`j${i % 7}`]: i, z: round };
        expect(keyValuesText(values)).toBe(expected(values));
      }
    }
  });
});
