/**
 * Files written by earlier versions of the canonical form keep verifying: the v1 fixtures were
 * recorded by the v1 code (checkpoint spans of their own, no form version in the seal attributes).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { verifyFiles } from "../../src/seal/verify-files.js";

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const chains = JSON.parse(readFileSync(fixture("v1-chains.json"), "utf8"));
const publicKey = readFileSync(fixture("v1-test-key.pub.pem"), "utf8");

describe("v1 fixtures", () => {
  it("a signed v1 file (checkpoint spans included) verifies complete with its key", async () => {
    const report = await verifyFiles([fixture("v1-signed.jsonl")], { publicKey });
    expect(report.ok).toBe(true);
    expect(report.chains.map((c) => [c.chain, c.valid, c.complete, c.signature])).toEqual([
      [chains.signed.spanChain, true, true, "verified"],
      [chains.signed.logChain, true, true, "verified"],
    ]);
    expect(report.chains.every((c) => c.checkpoints >= 2 && c.records_verified === c.records)).toBe(true);
  });

  it("an unsigned v1 file verifies complete", async () => {
    const report = await verifyFiles([fixture("v1-unsigned.jsonl")]);
    expect(report.ok).toBe(true);
    expect(report.chains.map((c) => [c.chain, c.valid, c.complete, c.signature])).toEqual([
      [chains.unsigned.spanChain, true, true, "unsigned"],
      [chains.unsigned.logChain, true, true, "unsigned"],
    ]);
  });

  it("an edited v1 file still fails: its final checkpoint span cut off is a lost tail", async () => {
    const lines = readFileSync(fixture("v1-signed.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    for (const doc of lines) for (const rs of doc.resourceSpans ?? []) for (const ss of rs.scopeSpans) ss.spans = ss.spans.filter((s: any) => !(s.name === "envpod.seal.checkpoint" && s.attributes.some((a: any) => a.key === "envpod.seal.checkpoint.final" && a.value.boolValue === true)));
    const { writeFileSync, mkdtempSync } = await import("node:fs");
    const path = `${mkdtempSync("/tmp/coat-v1-")}/cut.jsonl`;
    writeFileSync(path, lines.map((l) => JSON.stringify(l)).join("\n"));
    const report = await verifyFiles([path], { publicKey });
    const spans = report.chains.find((c) => c.chain === chains.signed.spanChain)!;
    expect([report.ok, spans.valid, spans.complete, spans.problem]).toEqual([false, false, false, "truncated"]);
  });
});
