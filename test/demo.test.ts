import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { OtlpReceiver } from "./support/otlp-receiver.js";
import { startOtlpReceiver } from "./support/otlp-receiver.js";

const root = resolve(import.meta.dirname, "..");
let receiver: OtlpReceiver;
let dir: string;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
  dir = mkdtempSync(join(tmpdir(), "coat-demo-"));
});
afterAll(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

it("the demo agent prints its recording, and exports to OTEL_EXPORTER_OTLP_ENDPOINT when set", async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [join(root, "examples/demo-agent.mjs")], {
    cwd: root,
    env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.httpUrl, ENVPOD_COAT_FILE: join(dir, "demo.jsonl") },
  });
  expect(stdout).toContain("agent answered: It is 21°C and clear in Lisbon");
  expect(stdout).toMatch(/supportAgent {2}AGENT/);
  expect(stdout).toMatch(/bookTable {2}TOOL .* ERROR No tables left at 20:00/);
  expect(stdout).toMatch(/streamReply {2}LLM {2}fake-llm-1 .* tokens 64→13 {2}13 chunks/);
  const spans = await receiver.waitForSpans(5);
  const kinds = Object.fromEntries(spans.map((s) => [s.name, s.attributes[SC.OPENINFERENCE_SPAN_KIND]]));
  expect(kinds).toEqual({ supportAgent: "AGENT", plan: "LLM", getWeather: "TOOL", bookTable: "TOOL", streamReply: "LLM" });
  const root_ = spans.find((s) => s.name === "supportAgent")!;
  expect(spans.filter((s) => s.parentSpanId === root_.spanId)).toHaveLength(4);
  const logs = await receiver.waitForLogs(12);
  expect(logs.filter((l) => l.severityText === "ERROR").map((l) => l.eventName)).toEqual(["agent.tool.error"]);
});
