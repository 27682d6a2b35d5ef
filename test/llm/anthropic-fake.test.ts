import Anthropic from "@anthropic-ai/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_TEXT, startAnthropicFake, type AnthropicFake } from "../fakes/anthropic-api.js";

let fake: AnthropicFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function client(f: AnthropicFake): Anthropic {
  return new Anthropic({ baseURL: f.url, apiKey: "test-key", maxRetries: 0 });
}

describe("the Anthropic fake, through the real SDK", () => {
  it("answers a message and records the request", async () => {
    fake = await startAnthropicFake();
    const m = await client(fake).messages.create({ model: "claude-x", max_tokens: 10, messages: [{ role: "user", content: "hi" }] });
    expect(m.content).toEqual([{ type: "text", text: DEFAULT_TEXT, citations: null }]);
    expect(m.model).toBe("claude-x");
    expect(fake.requests[0]).toMatchObject({ method: "POST", path: "/v1/messages", body: { model: "claude-x", max_tokens: 10 } });
    // @anthropic-ai/sdk 1.x sends the API key as a bearer token.
    expect(fake.requests[0]!.headers["authorization"]).toBe("Bearer test-key");
  });

  it("streams a message that MessageStream reassembles into the same message", async () => {
    const message = {
      content: [
        { type: "thinking", thinking: "Let me think about it.", signature: "sig" },
        { type: "text", text: "Calling the tool now." },
        { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris", units: "c" } },
      ],
      usage: { input_tokens: 30, output_tokens: 20, cache_read_input_tokens: 5, cache_creation_input_tokens: 2 },
    };
    fake = await startAnthropicFake({ replies: [{ message }, { message }] });
    const streamed = await client(fake).messages.stream({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }).finalMessage();
    const plain = await client(fake).messages.create({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }] });
    const { parsed_output: _parsed, ...streamedMessage } = streamed as typeof streamed & { parsed_output?: unknown };
    expect({ ...streamedMessage, id: "" }).toEqual({ ...plain, id: "" });
    expect(streamed.stop_reason).toBe("tool_use");
  });

  it("sends scripted errors the SDK maps to its error classes", async () => {
    fake = await startAnthropicFake({ replies: [{ error: { status: 429, retryAfter: 7 } }, { error: { status: 529 } }, { error: { status: 400, message: "bad" } }] });
    const c = client(fake);
    const req = { model: "m", max_tokens: 1, messages: [{ role: "user" as const, content: "x" }] };
    const e429 = await c.messages.create(req).catch((e: unknown) => e);
    expect(e429).toBeInstanceOf(Anthropic.RateLimitError);
    expect((e429 as InstanceType<typeof Anthropic.RateLimitError>).headers.get("retry-after")).toBe("7");
    const e529 = await c.messages.create(req).catch((e: unknown) => e);
    expect((e529 as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect((e529 as InstanceType<typeof Anthropic.APIError>).type).toBe("overloaded_error");
    const e400 = await c.messages.create(req).catch((e: unknown) => e);
    expect(e400).toBeInstanceOf(Anthropic.BadRequestError);
    expect((e400 as Error).message).toContain("bad");
  });
});
