/** `coat verify` as users run it: the built CLI in a child process, its output and exit codes. */
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAgentRun } from "./support/agent.js";
import type { RecordedRun } from "./support/agent.js";
import { KeepSpans, sealedProviders } from "./support/pipeline.js";
import { collectorJson, jaegerJson } from "./support/shapes.js";
import { StoredLines, setAttr } from "./support/tamper.js";
import { tempDir, writeTemp } from "./support/wire.js";

const CLI = resolve(import.meta.dirname, "../../dist/esm/cli/coat.js");
const dir = tempDir("coat-seal-cli-");
const key = generateKeyPairSync("ed25519");
const other = generateKeyPairSync("ed25519");
const publicPem = key.publicKey.export({ type: "spki", format: "pem" }).toString();
let signed: string;
let run: RecordedRun;

function coat(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }));
  });
}

beforeAll(async () => {
  signed = join(dir, "signed.jsonl");
  run = await recordAgentRun(signed, { key: key.privateKey, checkpointEvery: 8 }, 2);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("coat verify", () => {
  it("prints one line per chain and exits 0 when every chain is intact and complete", async () => {
    const { code, stdout } = await coat("verify", signed);
    expect(code).toBe(0);
    expect(stdout).toContain(`chain ${run.spanChain} (spans, service seal-test): valid, complete, 10/10 records verified, 2 checkpoints, signed by key`);
    expect(stdout).toContain("(not checked: no --public-key)");
    expect(stdout.trim().split("\n").at(-1)).toMatch(/^ok: 2 chains verified \(\d+ sealed records in \d+ lines\)$/);
  });

  it("checks signatures with --public-key, as a path or as PEM text", async () => {
    const keyFile = writeTemp(dir, "public.pem", publicPem);
    const byPath = await coat("verify", "--public-key", keyFile, signed);
    expect([byPath.code, byPath.stdout]).toEqual([0, expect.stringContaining("signature verified")]);
    const wrong = await coat("verify", `--public-key=${other.publicKey.export({ type: "spki", format: "pem" })}`, "--json", signed);
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.stdout).chains.map((c: { problem: string }) => c.problem)).toEqual(["wrong_key", "wrong_key"]);
  });

  it("names the broken record and exits 1", async () => {
    const stored = new StoredLines(readFileSync(signed, "utf8"));
    setAttr(stored.at(run.logChain, 4).record, "aotp.kind", { stringValue: "agent.tool.forged" });
    const file = writeTemp(dir, "broken.jsonl", stored.text());
    const { code, stdout } = await coat("verify", file);
    expect(code).toBe(1);
    expect(stdout).toMatch(new RegExp(`chain ${run.logChain} \\(logs, service seal-test\\): BROKEN at seq 4 \\[modified\\] seq 4 was changed after sealing: its content no longer matches its hash \\(log record "agent\\.[a-z.]+" [0-9a-f]{16} at ${file.replace(/[.]/g, "\\.")}:\\d+\\)`));
    expect(stdout).toContain("FAILED: 1 of 2 chains do not verify");
  });

  it("reads a saved, pretty-printed Jaeger /api/v3 response", async () => {
    const kept = new KeepSpans();
    const p = sealedProviders({ spans: [kept] });
    for (let i = 0; i < 5; i++) p.tracer.startSpan(`jaeger-${i}`).end();
    await p.shutdown();
    const file = writeTemp(dir, "jaeger.json", jaegerJson(collectorJson("traces", ProtobufTraceSerializer.serializeRequest(kept.spans)!)));
    expect(readFileSync(file, "utf8").split("\n").length).toBeGreaterThan(50);
    const { code, stdout } = await coat("verify", file);
    expect([code, stdout]).toEqual([0, expect.stringContaining("valid, complete, 5/5 records verified")]);
  });

  it("rejects bad usage with exit 2 and a reason", async () => {
    expect(await coat("verify")).toMatchObject({ code: 2, stderr: expect.stringContaining("no file given") });
    expect(await coat("verify", "--frobnicate", signed)).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown option --frobnicate") });
    for (const threads of ["0", "x", "1.5", "99999999999999999999"]) {
      expect(await coat("verify", "--threads", threads, signed)).toMatchObject({ code: 2, stderr: expect.stringContaining(`--threads takes a whole number of 1 or more, not "${threads}"`) });
    }
    expect(await coat("verify", "--threads=1", signed)).toMatchObject({ code: 0 });
    expect(await coat("verify", "--public-key", "/no/such.pem", signed)).toMatchObject({ code: 2, stderr: expect.stringContaining("public key is neither PEM text nor a readable file") });
    expect(await coat("verify", join(dir, "missing.jsonl"))).toMatchObject({ code: 2, stderr: expect.stringContaining("ENOENT") });
    expect((await coat("--help")).stderr).toContain("coat verify [--json] [--public-key PEM-or-path]");
  });
});
