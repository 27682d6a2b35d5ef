/**
 * The LLM examples run as a user runs them (the real SDKs, the model a stand-in inside the
 * process), exporting to the in-process OTLP receiver: what their traces are made of.
 */
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import type { OtlpReceiver } from "./support/otlp-receiver.js";
import { startOtlpReceiver } from "./support/otlp-receiver.js";

const root = resolve(import.meta.dirname, "..");
let receiver: OtlpReceiver;
let dir: string;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
  dir = mkdtempSync(join(tmpdir(), "coat-examples-"));
});
afterAll(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => receiver.reset());

const runExample = (name: string) =>
  promisify(execFile)(process.execPath, [join(root, "examples", name)], {
    cwd: root,
    env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.httpUrl, ENVPOD_COAT_FILE: join(dir, `${name}.jsonl`) },
  });

it("openai-agent: a run, the agent, two chat calls of the real openai SDK and two tools", async () => {
  const { stdout } = await runExample("openai-agent.mjs");
  expect(stdout).toContain("sadly no table is free at 20:00");
  const spans = await receiver.waitForSpans(6);
  expect(spans.map((s) => s.attributes[SC.OPENINFERENCE_SPAN_KIND]).sort()).toEqual(["AGENT", "AGENT", "LLM", "LLM", "TOOL", "TOOL"]);
});

it("ai-sdk-agent: @ai-sdk/otel's spans arrive as AGENT, CHAIN, LLM and TOOL with messages and tokens, none without a kind", async () => {
  const { stdout } = await runExample("ai-sdk-agent.mjs");
  expect(stdout).toContain("It is 21°C and clear in Lisbon.");
  const spans = await receiver.waitForSpans(6);
  expect(spans.map((s) => s.attributes[SC.OPENINFERENCE_SPAN_KIND]).sort()).toEqual(["AGENT", "CHAIN", "CHAIN", "LLM", "LLM", "TOOL"]);
  const first = spans.find((s) => s.attributes[SC.LLM_TOKEN_COUNT_PROMPT] === 64)!;
  expect(first.attributes[`${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_TOOL_CALLS}.0.${SC.TOOL_CALL_FUNCTION_NAME}`]).toBe("getWeather");
  expect(first.attributes[`${SC.LLM_INPUT_MESSAGES}.1.${SC.MESSAGE_CONTENT}`]).toBe("What's the weather in Lisbon?");
  expect(spans.every((s) => typeof s.attributes["envpod.seal.hash"] === "string")).toBe(true);
});
