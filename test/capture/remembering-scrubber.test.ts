import { describe, expect, it } from "vitest";
import { rememberingScrubber } from "../../src/capture/remembering-scrubber.js";
import type { Scrubber } from "../../src/capture/secrets.js";

/** A scrubber that redacts "secret" and counts what it is asked. */
function counting(): Scrubber & { calls: number } {
  const s = {
    calls: 0,
    isSensitiveKey: (key: string) => key === "password",
    scrub(value: string) {
      s.calls++;
      return value.includes("secret") ? value.replace(/secret/g, "[REDACTED]") : value;
    },
  };
  return s;
}

describe("rememberingScrubber", () => {
  it("asks once for a clean string, short or long, and returns the same string", () => {
    const inner = counting();
    const scrubber = rememberingScrubber(inner);
    const long = "x".repeat(20_000);
    for (let i = 0; i < 5; i++) {
      expect(scrubber.scrub("hello")).toBe("hello");
      expect(scrubber.scrub(long)).toBe(long);
    }
    expect(inner.calls).toBe(2);
  });

  it("never remembers a string that had a secret in it", () => {
    const inner = counting();
    const scrubber = rememberingScrubber(inner);
    for (let i = 0; i < 3; i++) expect(scrubber.scrub("my secret")).toBe("my [REDACTED]");
    expect(inner.calls).toBe(3);
  });

  it("always asks for strings past 64 K characters and for scrubs under a key", () => {
    const inner = counting();
    const scrubber = rememberingScrubber(inner);
    const huge = "y".repeat(70_000);
    scrubber.scrub(huge);
    scrubber.scrub(huge);
    scrubber.scrub("v", "k");
    scrubber.scrub("v", "k");
    expect(inner.calls).toBe(4);
    expect(scrubber.isSensitiveKey("password")).toBe(true);
  });

  it("stays within its budget: past 8192 strings it starts over and still answers right", () => {
    const inner = counting();
    const scrubber = rememberingScrubber(inner);
    for (let i = 0; i < 8193; i++) scrubber.scrub(`s${i}`);
    inner.calls = 0;
    scrubber.scrub("s0");
    scrubber.scrub("s8192");
    expect(inner.calls).toBe(1);
  });
});

describe("rememberingScrubber under a stream of one-off strings", () => {
  it("keeps the strings that recur while ids that never come back churn past it", () => {
    const inner = counting();
    const scrubber = rememberingScrubber(inner);
    const recurring = Array.from({ length: 50 }, (_, i) => `tool description ${i}`);
    for (let call = 0; call < 20_000; call++) {
      for (const s of recurring) scrubber.scrub(s);
      scrubber.scrub(`step_${call.toString(16).padStart(16, "0")}`);
    }
    // Each recurring string is asked about once; each one-off id once.
    expect(inner.calls).toBe(50 + 20_000);
    expect(scrubber.scrub("a secret id")).toBe("a [REDACTED] id");
  });
});
