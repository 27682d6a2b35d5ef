// MCP across two processes over stdio: the real @modelcontextprotocol/sdk client here, recorded by
// coatMcpClient(); the real server in a child process (test/fixtures/mcp-server.mjs, the built
// package), recorded by coatMcpServer() into a file. One trace across the boundary.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { describe, expect, it } from "vitest";
import { Op, coat } from "../src/index.js";
import { coatMcpClient, contextFromMeta, traceMeta } from "../src/adapters/mcp/index.js";
import { context, trace } from "@opentelemetry/api";
import { harnessPerFile, spanNamed } from "./support/harness.js";
import { loadTrace } from "../src/testing/index.js";
import { existsSync } from "node:fs";

const ROOT = resolve(import.meta.dirname, "..");
const h = harnessPerFile({ capture: "raw" });

async function serverTrace(file: string, spans: number) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (existsSync(file)) {
      const t = await loadTrace(file);
      if (t.calls.length >= spans) return t;
    }
    if (Date.now() > deadline) throw new Error(`the MCP server did not record ${spans} calls in ${file}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("agent-coat/mcp", () => {
  it("client calls are TOOL and RETRIEVER calls; the server's tool, resource and prompt handlers continue the client's trace in the other process", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "coat-mcp-")), "server.jsonl");
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [join(ROOT, "test/fixtures/mcp-server.mjs"), join(ROOT, "dist/esm/index.js"), join(ROOT, "dist/esm/adapters/mcp/index.js"), file],
      stderr: "inherit",
      env: { PATH: process.env.PATH ?? "", XDG_STATE_HOME: process.env.XDG_STATE_HOME ?? tmpdir() },
    });
    const client = coatMcpClient(new Client({ name: "agent", version: "1.0.0" }));
    await client.connect(transport);
    const results = await coat(Op.AGENT, async function agent() {
      const sum = await client.callTool({ name: "add", arguments: { a: 2, b: 3 } });
      const pong = await client.callTool({ name: "ping" });
      const note = await client.readResource({ uri: "note://hello" });
      const prompt = await client.getPrompt({ name: "greet", arguments: { name: "Ada" } });
      return { sum, pong, note, prompt };
    })();
    await client.close();
    expect((results.sum.content as { text: string }[])[0]!.text).toBe("5");
    expect((results.note.contents[0] as { text: string }).text).toBe("hello");

    const spans = await h.spans(5);
    const agent = spanNamed(spans, "agent");
    const add = spanNamed(spans, "add");
    expect([add.attributes[SC.OPENINFERENCE_SPAN_KIND], add.parentSpanId, JSON.parse(add.attributes[SC.INPUT_VALUE] as string)]).toEqual(["TOOL", agent.spanId, { a: 2, b: 3 }]);
    expect(spanNamed(spans, "note://hello").attributes[SC.OPENINFERENCE_SPAN_KIND]).toBe("RETRIEVER");
    expect(spanNamed(spans, "greet").attributes[SC.OPENINFERENCE_SPAN_KIND]).toBe("RETRIEVER");
    expect(JSON.parse(spanNamed(spans, "greet").attributes[SC.INPUT_VALUE] as string)).toEqual({ name: "Ada" });

    const server = await serverTrace(file, 4);
    const serverAdd = server.calls.find((c) => c.name === "add")!;
    const serverPing = server.calls.find((c) => c.name === "ping")!;
    // One trace: the server's tool span is a child of the client's call span.
    expect([serverAdd.span.traceId, serverAdd.span.parentSpanId]).toEqual([agent.traceId, add.spanId]);
    expect([serverPing.span.traceId, serverPing.span.parentSpanId]).toEqual([agent.traceId, spanNamed(spans, "ping").spanId]);
    expect([serverAdd.kind, serverAdd.input, serverAdd.sealed]).toEqual(["TOOL", { a: 2, b: 3 }, true]);
    expect(serverPing.input).toEqual({}); // the request's extra is not recorded as input
    expect(serverAdd.output).toEqual({ content: [{ type: "text", text: "5" }] });
    // Resources and prompts: RETRIEVER calls under the client's reads, the URI and the prompt's arguments as input.
    const serverNote = server.calls.find((c) => c.name === "note")!;
    const serverGreet = server.calls.find((c) => c.name === "greet")!;
    expect([serverNote.kind, serverNote.input, serverNote.span.parentSpanId]).toEqual(["RETRIEVER", { uri: "note://hello" }, spanNamed(spans, "note://hello").spanId]);
    expect([serverGreet.kind, serverGreet.input, serverGreet.span.parentSpanId]).toEqual(["RETRIEVER", { name: "Ada" }, spanNamed(spans, "greet").spanId]);
    expect(serverNote.output).toEqual({ contents: [{ uri: "note://hello", text: "hello" }] });
  }, 60_000);

  it("traceparent round-trips through _meta; a malformed one is ignored", () => {
    const span = { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: 1 };
    const meta = traceMeta(trace.setSpanContext(context.active(), span));
    expect(meta).toEqual({ traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" });
    expect(trace.getSpanContext(contextFromMeta(meta, context.active()))).toMatchObject({ ...span, isRemote: true });
    const base = context.active();
    expect(contextFromMeta({ traceparent: "00-zz-b7ad6b7169203331-01" }, base)).toBe(base);
    expect(contextFromMeta({ traceparent: "00-00000000000000000000000000000000-b7ad6b7169203331-01" }, base)).toBe(base);
    expect(traceMeta(base)).toEqual({});
  });
});
