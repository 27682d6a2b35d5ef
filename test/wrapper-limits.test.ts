/** A wrapper's own snapshot limits and sensitive keys (CoatOptions.limits, redactKeys), on the wire. */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { Op, coat } from "../src/index.js";
import type { Harness } from "./support/harness.js";
import { asMap, spanNamed, startHarness } from "./support/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ capture: "redacted" });
});
afterAll(() => h.close());
beforeEach(() => h.reset());

const deep = { a: { b: { c: { d: "deep" } } }, list: [1, 2, 3, 4, 5], k1: 1, k2: 2, k3: 3, long: "y".repeat(50) };

describe("CoatOptions.limits and redactKeys", () => {
  it("bound depth, keys, items and string length for one wrapper only", async () => {
    const bounded = coat(Op.TOOL, { limits: { maxDepth: 2, maxKeys: 4, maxItems: 2, maxStringLength: 10 } }, function bounded(v: unknown) {
      return v;
    });
    const plain = coat(Op.TOOL, function plain(v: unknown) {
      return v;
    });
    bounded(deep);
    plain(deep);
    const spans = await h.spans(2);
    const input = JSON.parse(spanNamed(spans, "bounded").attributes["input.value"] as string);
    expect(input.a).toEqual({ b: { c: "[Object]" } });
    expect(input.list).toEqual([1, 2, "[+3 more]"]);
    expect(Object.keys(input)).toEqual(["a", "list", "k1", "k2", "[+2 more]"]);
    expect(JSON.parse(spanNamed(spans, "plain").attributes["input.value"] as string)).toEqual(deep);
    const outcome = coat(Op.TOOL, { limits: { maxStringLength: 10 } }, function short(s: { long: string }) {
      return s.long;
    });
    outcome({ long: deep.long });
    const [span] = await h.spans(3).then((all) => all.filter((s) => s.name === "short"));
    expect(span!.attributes["output.value"]).toBe("yyyyyyyyyy…[+40 chars]");
    expect(asMap(JSON.parse(span!.attributes["input.value"] as string)).long).toBe("yyyyyyyyyy…[+40 chars]");
  });

  it("redactKeys redacts the wrapper's own sensitive keys beside the built-in ones", async () => {
    const pay = coat(Op.TOOL, { redactKeys: ["iban"] }, function pay(p: { iban: string; password: string; amount: number }) {
      return { ok: true, iban: p.iban };
    });
    pay({ iban: "PT50000201231234567890154", password: "hunter2", amount: 12 });
    const [span] = await h.spans(1);
    expect(JSON.parse(span!.attributes["input.value"] as string)).toEqual({ iban: "[REDACTED]", password: "[REDACTED]", amount: 12 });
    expect(JSON.parse(span!.attributes["output.value"] as string)).toEqual({ ok: true, iban: "[REDACTED]" });
    expect(h.receiver.allWireText()).not.toContain("PT50000201231234567890154");
  });

  it("an invalid limit is warned about once, naming the option, and the default is used", async () => {
    const warn = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const odd = coat(Op.TOOL, { limits: { maxDepth: -1 } }, function odd(v: unknown) {
        return v;
      });
      odd(deep);
      odd(deep);
      const [span] = await h.spans(1);
      expect(JSON.parse(span!.attributes["input.value"] as string)).toEqual(deep);
      const lines = warn.mock.calls.map((c) => String(c[0])).filter((l) => l.includes("limits.maxDepth"));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain("coat(odd)");
    } finally {
      warn.mockRestore();
    }
  });
});
