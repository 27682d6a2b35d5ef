// The Claude Agent SDK: the real @anthropic-ai/claude-agent-sdk and its bundled Claude Code binary,
// run offline against the loopback Anthropic fake (ANTHROPIC_BASE_URL), recorded from its hooks by
// coatQuery / coatClaudeHooks; what crossed the OTLP wire.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSdkMcpServer, query, tool } from "@anthropic-ai/claude-agent-sdk";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Op, PolicyKey, allow, block, coat, policy, redact } from "../src/index.js";
import { coatClaudeHooks, coatQuery } from "../src/adapters/claude-agent-sdk/index.js";
import { verifyWire } from "./delivery/support.js";
import { startAnthropicFake } from "./fakes/anthropic-api.js";
import type { AnthropicFake, FakeReply } from "./fakes/anthropic-api.js";
import type { ReceivedSpan } from "./support/otlp-receiver.js";
import { harnessPerFile, logsOf, spanNamed } from "./support/harness.js";

const SECRET = "sk-live-4f9a8b7c6d5e4f3a2b1c0d9e";
const h = harnessPerFile({ capture: "redacted" });
let fake: AnthropicFake;
let dir: string;
/** The sub-agent's requests (Claude Code marks them in the system prompt) get their own answer: they interleave with the main thread's. */
const isSubagent = (body: any): boolean => JSON.stringify(body?.system ?? "").includes("cc_is_subagent=true");
beforeAll(async () => {
  fake = await startAnthropicFake({ route: (body): FakeReply | undefined => (isSubagent(body) ? { message: { content: [{ type: "text", text: "Checked: 2+3 is 5." }] } } : undefined) });
  dir = mkdtempSync(join(tmpdir(), "coat-claude-"));
  writeFileSync(join(dir, "notes.txt"), `deploy key ${SECRET}\n`);
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

const add = tool("add", "Add two numbers", { a: z.number(), b: z.number(), apiKey: z.string().optional() }, async ({ a, b }) => ({ content: [{ type: "text", text: String(a + b) }] }));
const echo = tool("echo", "Echoes its input", { note: z.string() }, async (input) => ({ content: [{ type: "text", text: JSON.stringify(input) }] }));
const options = () => ({
  cwd: dir,
  model: "claude-sonnet-4-5",
  maxTurns: 6,
  settingSources: [],
  persistSession: false,
  mcpServers: { calc: createSdkMcpServer({ name: "calc", version: "1.0.0", tools: [add, echo] }) },
  allowedTools: ["mcp__calc__add", "mcp__calc__echo", "Read", "Agent"],
  env: { ...process.env, ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: "test-key", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1", HOME: dir },
});
const toolUse = (name: string, input: unknown): FakeReply => ({ message: { content: [{ type: "tool_use", name, input }] } });
const text = (t: string): FakeReply => ({ message: { content: [{ type: "text", text: t }] } });
async function drain(messages: AsyncIterable<unknown>): Promise<any[]> {
  const out: any[] = [];
  for await (const m of messages) out.push(m);
  return out;
}
function tree(spans: readonly ReceivedSpan[]) {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const ancestors = (id: string): string[] => (id === "" ? [] : [id, ...ancestors(byId.get(id)?.parentSpanId ?? "")]);
  return { ancestors };
}

describe("agent-coat/claude-agent-sdk", () => {
  it("coatQuery: one trace per query(), RUN → AGENT session → TOOL uses (input and result) and the sub-agent; no secret; sealed", async () => {
    let userHooks = 0;
    fake.reply(toolUse("mcp__calc__add", { a: 2, b: 3, apiKey: SECRET }), toolUse("Agent", { description: "check the sum", prompt: "Check that 2+3 is 5", subagent_type: "general-purpose" }), toolUse("Read", { file_path: join(dir, "notes.txt") }), text("2+3 is 5."));
    const q = coatQuery(query);
    const messages = await drain(q({ prompt: "What is 2+3? Use the add tool.", options: { ...options(), hooks: { PreToolUse: [{ hooks: [async () => (userHooks++, {})] }] } } }));
    expect(messages.at(-1)).toMatchObject({ type: "result", subtype: "success", result: "2+3 is 5." });
    expect(userHooks).toBe(3);
    const spans = await h.spans(6);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    const run = spans.find((s) => s.parentSpanId === "")!;
    expect(run.name).toBe("claude-agent-sdk.query");
    expect(run.attributes["envpod.op"]).toBe(Op.RUN);
    expect(run.attributes[SC.OUTPUT_VALUE]).toBe("2+3 is 5.");
    expect(run.attributes[SC.LLM_TOKEN_COUNT_PROMPT]).toBeGreaterThan(0);
    const session = spanNamed(spans, "claude-agent");
    expect(session.attributes[SC.OPENINFERENCE_SPAN_KIND]).toBe("AGENT");
    expect(session.parentSpanId).toBe(run.spanId);
    expect(session.attributes[SC.INPUT_VALUE]).toBe("What is 2+3? Use the add tool.");
    const { ancestors } = tree(spans);
    const addSpan = spanNamed(spans, "mcp__calc__add");
    expect(addSpan.attributes[SC.OPENINFERENCE_SPAN_KIND]).toBe("TOOL");
    expect(addSpan.parentSpanId).toBe(session.spanId);
    expect(JSON.parse(addSpan.attributes[SC.INPUT_VALUE] as string)).toMatchObject({ a: 2, b: 3 });
    expect(addSpan.attributes[SC.OUTPUT_VALUE]).toContain('"text":"5"');
    const read = spanNamed(spans, "Read");
    expect(read.parentSpanId).toBe(session.spanId);
    expect(read.status.code).toBe(1);
    const subagent = spanNamed(spans, "general-purpose");
    expect(subagent.attributes[SC.OPENINFERENCE_SPAN_KIND]).toBe("AGENT");
    expect(ancestors(subagent.parentSpanId)).toContain(session.spanId);
    expect(spanNamed(spans, "Agent").parentSpanId).toBe(session.spanId);
    // Capture redacted: neither the key in the tool's arguments nor the one in the file it read reaches the wire.
    const wire = JSON.stringify([...spans, ...h.receiver.logs], (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v));
    const at = wire.indexOf(SECRET);
    expect(at === -1 ? "" : wire.slice(Math.max(0, at - 300), at + 60)).toBe("");
    await h.flush();
    const report = verifyWire(h.receiver);
    expect(report.chains.flatMap((c) => c.problems.map((p) => p.kind)).filter((k) => k !== "truncated")).toEqual([]);
  }, 60_000);

  it("coatClaudeHooks beside the user's own coat(): the session under the user's call, its tool use recorded", async () => {
    fake.reply(toolUse("mcp__calc__add", { a: 1, b: 1 }), text("2"));
    await coat(Op.RUN, { name: "my-agent" }, async () => drain(query({ prompt: "1+1?", options: { ...options(), hooks: coatClaudeHooks({ agentName: "calculator" }) } })))();
    const spans = await h.spans(3);
    const mine = spanNamed(spans, "my-agent");
    const session = spanNamed(spans, "calculator");
    expect(session.parentSpanId).toBe(mine.spanId);
    expect(session.attributes[SC.OUTPUT_VALUE]).toBe("2");
    expect(spanNamed(spans, "mcp__calc__add").parentSpanId).toBe(session.spanId);
  }, 60_000);

  it("with policies, a PreToolUse the gates stop is denied: the tool does not run, the model is told why, the decision is recorded", async () => {
    const noSecrets = policy("no-notes", { ops: [Op.TOOL] }, (ctx) => (ctx.name === "Read" ? block("notes are off limits") : allow()));
    fake.reply(toolUse("Read", { file_path: join(dir, "notes.txt") }), text("I may not read it."));
    const before = fake.requests.length;
    const messages = await drain(coatQuery(query, { policies: [noSecrets] })({ prompt: "Read notes.txt", options: options() }));
    expect(messages.at(-1)).toMatchObject({ type: "result", subtype: "success" });
    // The tool result the model got back is the denial, not the file.
    const followUp = JSON.stringify(fake.requests.slice(before).at(-1)?.body?.messages);
    expect(followUp).toContain("notes are off limits");
    expect(followUp).not.toContain("deploy key");
    const spans = await h.spans(3);
    const read = spanNamed(spans, "Read");
    expect(read.attributes[PolicyKey.DECISION]).toBe("block");
    expect(read.status.code).toBe(2);
    const logs = await h.logsFor(read, 3);
    expect(logsOf(logs, read).map((l) => l.eventName)).toContain("agent.policy.decision");
  }, 60_000);

  it("a tool use the user's own PreToolUse hook denies never ran: its TOOL call fails as not completed, not OK", async () => {
    fake.reply(toolUse("Read", { file_path: join(dir, "notes.txt") }), text("Denied."));
    const deny = async () => ({ hookSpecificOutput: { hookEventName: "PreToolUse" as const, permissionDecision: "deny" as const, permissionDecisionReason: "not today" } });
    await drain(coatQuery(query)({ prompt: "Read notes.txt", options: { ...options(), hooks: { PreToolUse: [{ hooks: [deny] }] } } }));
    const spans = await h.spans(3);
    const read = spanNamed(spans, "Read");
    expect(read.status.code).toBe(2);
    expect(read.events.find((e) => e.name === "exception")?.attributes["exception.type"]).toMatch(/NotCompleted|PermissionDenied/);
  }, 60_000);

  it("a query closed before its result (close()) still ends its run, abandoned, with the calls it had open", async () => {
    fake.reply(toolUse("mcp__calc__add", { a: 1, b: 2 }), text("3"));
    const q = coatQuery(query)({ prompt: "1+2?", options: options() });
    for await (const message of q) if ((message as { type: string }).type === "assistant") break;
    q.close();
    const spans = await h.spans(2);
    const run = spans.find((s) => s.parentSpanId === "")!;
    expect(run.name).toBe("claude-agent-sdk.query");
    expect(run.attributes["envpod.stream.abandoned"]).toBe(true);
  }, 60_000);

  it("with policies, a redact() decision is carried out: Claude Code runs the tool with the input the hook gives back", async () => {
    const noNotes = policy("no-notes-out", { ops: [Op.TOOL] }, (ctx) => (ctx.name === "mcp__calc__echo" ? redact(["0.note"]) : allow()));
    fake.reply(toolUse("mcp__calc__echo", { note: `card ${SECRET}` }), text("Echoed."));
    const before = fake.requests.length;
    await drain(coatQuery(query, { policies: [noNotes] })({ prompt: "Echo the note", options: options() }));
    // What the tool got, as the model saw it come back.
    const result = JSON.stringify(fake.requests.slice(before).at(-1)?.body?.messages.at(-1));
    expect(result).toContain("[REDACTED]");
    expect(result).not.toContain(SECRET);
    const spans = await h.spans(3);
    const echoed = spanNamed(spans, "mcp__calc__echo");
    expect(echoed.attributes[PolicyKey.DECISION]).toBe("redact");
    expect(echoed.status.code).toBe(1);
  }, 60_000);
});

