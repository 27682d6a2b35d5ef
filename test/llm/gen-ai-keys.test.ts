/** The GenAI keys copied into src/dialects/gen-ai-keys.ts are the installed conventions' own. */
import { readFileSync } from "node:fs";
import * as incubating from "@opentelemetry/semantic-conventions/incubating";
import { describe, expect, it } from "vitest";
import { GEN_AI_SEMCONV_PACKAGE_VERSION, GenAiKey, GenAiOperation } from "../../src/dialects/gen-ai-keys.js";

const conventions = incubating as unknown as Record<string, unknown>;

describe("GenAI keys copied from @opentelemetry/semantic-conventions/incubating", () => {
  it.each(Object.entries(GenAiKey))("%s is ATTR_GEN_AI_%s of the installed entry point", (name, key) => {
    expect(conventions[`ATTR_GEN_AI_${name}`]).toBe(key);
  });

  it.each(Object.entries(GenAiOperation))("operation %s is GEN_AI_OPERATION_NAME_VALUE_%s", (name, value) => {
    expect(conventions[`GEN_AI_OPERATION_NAME_VALUE_${name}`]).toBe(value);
  });

  it("names the version it was copied from, no newer than the installed package", () => {
    const manifest = new URL("../../node_modules/@opentelemetry/semantic-conventions/package.json", import.meta.url);
    const installed = (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
    const [a, b] = [GEN_AI_SEMCONV_PACKAGE_VERSION, installed].map((v) => v.split(".").map(Number));
    expect(a![0]).toBe(b![0]);
    expect(a![1]! <= b![1]!).toBe(true);
  });
});
