/**
 * register() seals by default, after capture: the file sink's export of a real agent run verifies,
 * one changed byte does not, a bad key is a clear error at startup, and `seal: false` turns it off.
 */
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { coat, Op, register, SealKeyError, tie, verifyFiles } from "../../src/index.js";
import type { CoatTelemetry } from "../../src/setup/register.js";

const SECRET = "sk-proj-Zq8vT3xY7wK2mN5pR4sL9aB1cD6eF0gH";
let telemetry: CoatTelemetry | undefined;
afterEach(async () => {
  await telemetry?.shutdown();
  telemetry = undefined;
});

async function runAgent(options: Parameters<typeof register>[0]): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), "coat-seal-")), "coat.jsonl");
  telemetry = register({ file, stderr: false, env: {}, ...options });
  const lookup = coat(Op.TOOL, function lookup(city: string) {
    tie("cache", { hit: false, key: SECRET });
    return `sunny in ${city}`;
  });
  const plan = coat(Op.AGENT, async function plan() {
    const results = await Promise.all(["Lisbon", "Porto", "Faro"].map(async (city) => lookup(city)));
    return results.join("; ");
  });
  await plan();
  await telemetry.shutdown();
  telemetry = undefined;
  return file;
}

it("an untouched export verifies, with content redacted before it was sealed; a changed byte breaks its chain", async () => {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const file = await runAgent({ capture: "redacted", seal: { key: privateKey } });
  const text = readFileSync(file, "utf8");
  expect(text).not.toContain(SECRET.slice(8, 20));
  const report = await verifyFiles([file], { publicKey });
  expect(report.ok).toBe(true);
  expect(report.chains.map((c) => [c.signal, c.valid, c.complete, c.signature]).sort()).toEqual([
    ["logs", true, true, "verified"],
    ["spans", true, true, "verified"],
  ]);
  expect(report.chains.find((c) => c.signal === "spans")!.records_verified).toBeGreaterThanOrEqual(4);
  const tampered = text.replace("sunny in Porto", "sunny in Paris");
  expect(tampered).not.toBe(text);
  writeFileSync(file, tampered);
  const broken = await verifyFiles([file], { publicKey });
  expect(broken.ok).toBe(false);
  expect(broken.chains.filter((c) => !c.valid).length).toBeGreaterThanOrEqual(1);
});

it("a key that cannot sign is a clear error from register(), before anything runs", () => {
  expect(() => register({ stderr: false, env: { ENVPOD_COAT_SEAL_KEY: "not a key" }, file: join(tmpdir(), "never.jsonl") })).toThrow(SealKeyError);
});

it("seal: false exports unsealed records", async () => {
  const file = await runAgent({ seal: false });
  expect(readFileSync(file, "utf8")).not.toContain("envpod.seal.");
  expect((await verifyFiles([file])).unsealed).toBeGreaterThan(0);
});
