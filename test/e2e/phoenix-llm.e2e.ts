// The OpenAI example agent (examples/openai-agent.mjs: the real openai SDK, recorded by
// coatOpenAI, the model a stand-in inside the process) exporting straight to a real Arize Phoenix:
// its LLM spans are chats there (input and output messages, tool calls), with token counts, and
// no span is of kind UNKNOWN.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { SEMRESATTRS_PROJECT_NAME, SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { describe, expect, it } from "vitest";
import { e2e } from "./context.js";
import { ROOT } from "./support/peers.js";
import { phoenixSpans } from "./support/phoenix.js";
import type { PhoenixSpan } from "./support/phoenix.js";
import { eventually } from "./support/wait.js";

const { phoenixUrl, workDir } = e2e();

/** A flattened attribute as Phoenix returns it, whether it keeps the dotted key or nests it. */
function attribute(span: PhoenixSpan, key: string): unknown {
  if (key in span.attributes) return span.attributes[key];
  let value: unknown = span.attributes;
  for (const part of key.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = Array.isArray(value) && /^\d+$/.test(part) ? value[Number(part)] : (value as Record<string, unknown>)[part];
  }
  return value;
}

describe("Phoenix, LLM calls of the real OpenAI SDK recorded by coatOpenAI", () => {
  it("shows each LLM span as a chat with its messages, tool calls and token counts, and no UNKNOWN kind", async () => {
    const project = `openai-agent-${process.pid}`;
    await promisify(execFile)(process.execPath, [join(ROOT, "examples/openai-agent.mjs")], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ENVPOD_COAT_FILE: join(workDir, "openai-agent.jsonl"),
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${phoenixUrl}/v1/traces`,
        OTEL_RESOURCE_ATTRIBUTES: `${SEMRESATTRS_PROJECT_NAME}=${project}`,
      },
    });
    // run, concierge, two LLM calls, two tools.
    const stored = await eventually(`6 spans in Phoenix project ${project}`, () => phoenixSpans(phoenixUrl, project), (spans) => spans.length >= 6);
    expect(stored.filter((s) => s.span_kind === "UNKNOWN").map((s) => s.name)).toEqual([]);
    const llm = stored.filter((s) => s.span_kind === "LLM").sort((a, b) => a.start_time.localeCompare(b.start_time));
    expect(llm.map((s) => s.name)).toEqual(["openai.chat.completions.create", "openai.chat.completions.create"]);
    const [ask, answer] = llm as [PhoenixSpan, PhoenixSpan];

    expect(attribute(ask, `${SC.LLM_INPUT_MESSAGES}.0.${SC.MESSAGE_ROLE}`)).toBe("system");
    expect(attribute(ask, `${SC.LLM_INPUT_MESSAGES}.1.${SC.MESSAGE_CONTENT}`)).toBe("What's the weather in Lisbon, and can you book dinner for two at 8?");
    expect(attribute(ask, `${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_ROLE}`)).toBe("assistant");
    expect(attribute(ask, `${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_TOOL_CALLS}.0.${SC.TOOL_CALL_FUNCTION_NAME}`)).toBe("getWeather");
    expect(attribute(ask, `${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_TOOL_CALLS}.1.${SC.TOOL_CALL_FUNCTION_NAME}`)).toBe("bookTable");
    expect(attribute(ask, SC.LLM_MODEL_NAME)).toBe("gpt-4o-mini-fake");
    expect([attribute(ask, SC.LLM_TOKEN_COUNT_PROMPT), attribute(ask, SC.LLM_TOKEN_COUNT_COMPLETION), attribute(ask, SC.LLM_TOKEN_COUNT_TOTAL)]).toEqual([96, 31, 127]);

    // The streamed reply: the tool results went in, the joined text came out, usage from the last chunk.
    expect(attribute(answer, `${SC.LLM_INPUT_MESSAGES}.3.${SC.MESSAGE_ROLE}`)).toBe("tool");
    expect(attribute(answer, `${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_CONTENT}`)).toBe("It is 21°C and clear in Lisbon; sadly no table is free at 20:00.");
    expect([attribute(answer, SC.LLM_TOKEN_COUNT_PROMPT), attribute(answer, SC.LLM_TOKEN_COUNT_COMPLETION), attribute(answer, SC.LLM_TOKEN_COUNT_TOTAL)]).toEqual([180, 17, 197]);
    const tools = stored.filter((s) => s.span_kind === "TOOL").map((s) => s.name).sort();
    expect(tools).toEqual(["bookTable", "getWeather"]);
  });

  it("shows the AI SDK agent's @ai-sdk/otel spans as agent, step, LLM and tool spans, none UNKNOWN", async () => {
    const project = `ai-sdk-agent-${process.pid}`;
    await promisify(execFile)(process.execPath, [join(ROOT, "examples/ai-sdk-agent.mjs")], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ENVPOD_COAT_FILE: join(workDir, "ai-sdk-agent.jsonl"),
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${phoenixUrl}/v1/traces`,
        OTEL_RESOURCE_ATTRIBUTES: `${SEMRESATTRS_PROJECT_NAME}=${project}`,
      },
    });
    // invoke_agent, two steps, two chat calls, one tool.
    const stored = await eventually(`6 spans in Phoenix project ${project}`, () => phoenixSpans(phoenixUrl, project), (spans) => spans.length >= 6);
    expect(stored.map((s) => s.span_kind).sort()).toEqual(["AGENT", "CHAIN", "CHAIN", "LLM", "LLM", "TOOL"]);
    const llm = stored.filter((s) => s.span_kind === "LLM").sort((a, b) => a.start_time.localeCompare(b.start_time));
    expect(attribute(llm[0]!, `${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_TOOL_CALLS}.0.${SC.TOOL_CALL_FUNCTION_NAME}`)).toBe("getWeather");
    expect([attribute(llm[1]!, SC.LLM_TOKEN_COUNT_PROMPT), attribute(llm[1]!, SC.LLM_TOKEN_COUNT_COMPLETION)]).toEqual([90, 11]);
  });
});
