import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { captureValue, renderText } from "../../src/capture/content.js";
import type { CaptureMode } from "../../src/capture/modes.js";
import { createPolicy } from "../../src/capture/policy.js";
import { snapshot } from "../../src/capture/snapshot.js";
import { StreamAggregate } from "../../src/wrap/stream-aggregate.js";

const SECRET = "sk-proj-Zq8vT3xY7wK2mN5pR4sL9aB1cD6eF0gH";
const policy = (mode: CaptureMode, key?: string) => createPolicy(mode, undefined, key);
const hmac = (key: string, value: unknown) => `hmac-sha256:${createHmac("sha256", key).update(JSON.stringify(value)).digest("hex")}`;
const sha = (value: unknown) => `sha256:${createHash("sha256").update(JSON.stringify(value)).digest("hex")}`;

describe("hash", () => {
  it("keeps the shape and turns every leaf into a digest of its JSON text", () => {
    const out = snapshot({ name: "Ada", age: 36, admin: false, boss: null, tags: ["a", 1] }, { policy: policy("hash", "k") });
    expect(out).toEqual({ name: hmac("k", "Ada"), age: hmac("k", 36), admin: hmac("k", false), boss: hmac("k", null), tags: [hmac("k", "a"), hmac("k", 1)] });
  });

  it("is keyed when a key is set, plain SHA-256 otherwise; same key, same digests, across policies", () => {
    expect(snapshot("x", { policy: policy("hash") })).toBe(sha("x"));
    expect(snapshot("x", { policy: policy("hash", "one") })).not.toBe(snapshot("x", { policy: policy("hash", "two") }));
    expect(snapshot({ a: "x" }, { policy: policy("hash", "one") })).toEqual(snapshot({ a: "x" }, { policy: policy("hash", "one") }));
  });

  it("distinguishes a string from the number it spells, and hashes strings whole, not cut", () => {
    const p = policy("hash", "k");
    expect(snapshot("1", { policy: p })).not.toBe(snapshot(1, { policy: p }));
    const long = "a".repeat(500);
    expect(snapshot(`${long}1`, { policy: p, maxStringLength: 10 })).not.toBe(snapshot(`${long}2`, { policy: p, maxStringLength: 10 }));
  });

  it("keeps error names readable and digests their messages", () => {
    const out = snapshot(new TypeError("secret detail"), { policy: policy("hash", "k"), errorStack: false }) as Record<string, unknown>;
    expect(out.name).toBe("TypeError");
    expect(out.message).toBe(hmac("k", "secret detail"));
  });
});

describe("summary", () => {
  it("leaves types and sizes only; objects keep their keys", () => {
    const value = { text: "hello", n: 3, ok: true, none: null, list: [1, 2, 3], map: new Map([[1, 2]]), set: new Set([1]), big: 5n, when: new Date(0), fn() {} };
    expect(snapshot(value, { policy: policy("summary") })).toEqual({
      text: "string(5)",
      n: "number",
      ok: "boolean",
      none: "null",
      list: "array(3)",
      map: "map(1)",
      set: "set(1)",
      big: "bigint",
      when: "date",
      fn: "function",
    });
  });

  it("counts the full length of a string, not the capped one", () => {
    expect(snapshot("x".repeat(10_000), { policy: policy("summary"), maxStringLength: 5 })).toBe("string(10000)");
  });
});

describe("redacted", () => {
  it("replaces the value of a sensitive key without looking at it", () => {
    let touched = false;
    const value = { user: "ada", password: new Proxy({}, { ownKeys: () => ((touched = true), []) }), note: `key ${SECRET}` };
    const out = snapshot(value, { policy: policy("redacted") }) as Record<string, string>;
    expect(out.user).toBe("ada");
    expect(out.password).toBe("[REDACTED]");
    expect(out.note).toMatch(/^key \[REDACTED/);
    expect(touched).toBe(false);
  });

  it("scrubs before cutting: a secret straddling the cap leaves no part of itself", () => {
    const text = `${"x".repeat(94)} ${SECRET} tail`;
    const out = snapshot(text, { policy: policy("redacted"), maxStringLength: 100 }) as string;
    expect(out).not.toContain(SECRET.slice(0, 5));
    expect(renderText(text, 100, policy("redacted"))).not.toContain(SECRET.slice(0, 5));
  });
});

describe("captureValue", () => {
  it("a value that renders to one digest or summary reads as text, not as a JSON string", () => {
    expect(captureValue(7, 200, true, policy("hash", "k"))).toEqual({ text: hmac("k", 7), isJson: false, preview: hmac("k", 7) });
    expect(captureValue("hi", 200, true, policy("summary"))).toEqual({ text: "string(2)", isJson: false, preview: "string(2)" });
    expect(captureValue({ a: 1 }, 200, true, policy("summary"))).toEqual({ text: '{"a":"number"}', isJson: true, preview: { a: "number" } });
  });
});

describe("streamed text", () => {
  const stream = (mode: CaptureMode, chunks: string[], limit = 100) => {
    const aggregate = new StreamAggregate(true, limit, policy(mode, "k"));
    for (const chunk of chunks) aggregate.add(chunk);
    return aggregate.captured(true).text;
  };

  it("redacted: a secret split across chunks and across the cap is caught whole", () => {
    const text = stream("redacted", ["x".repeat(89), " ", SECRET.slice(0, 12), SECRET.slice(12), " and more"]);
    expect(text).not.toContain(SECRET.slice(0, 5));
    expect(text).toMatch(/…\[\+\d+ chars\]$/);
  });

  it("summary: the full length; hash: one digest of the text", () => {
    expect(stream("summary", ["ab", "cd", "e"])).toBe("string(5)");
    expect(stream("hash", ["ab", "cd"])).toBe(hmac("k", "abcd"));
  });
});
