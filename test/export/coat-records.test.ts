import { ProtobufLogsSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { InMemoryLogRecordExporter } from "@opentelemetry/sdk-logs";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { afterAll, describe, expect, it } from "vitest";
import { Op, coat, current, register } from "../../src/index.js";
import { logsProtobufSerializer } from "../../src/export/logs-serializer.js";
import { traceProtobufSerializer } from "../../src/export/trace-serializer.js";

const spans = new InMemorySpanExporter();
const logs = new InMemoryLogRecordExporter();
const telemetry = register({ serviceName: "coat-records", capture: "raw", logs: true, spanExporters: [spans], logExporters: [logs], stderr: false, file: false, env: {} });
afterAll(() => telemetry.shutdown());

const args = {
  query: "Find flights from Lisbon to Tokyo — window seat, one bag, 日本語 ok 😀",
  history: Array.from({ length: 6 }, (_, i) => ({ role: i % 2 ? "assistant" : "user", content: `Turn ${i}: fares, baggage and seat maps. `.repeat(3) })),
  options: { currency: "EUR", flexibleDays: 2, cheapest: 612.4, big: 2 ** 40, negative: -7, none: null },
};

describe("records from real coat() calls", () => {
  it("serialize to OTel's bytes, spans and log records", async () => {
    const search = coat(Op.TOOL, { description: "Search flights", parameters: { type: "object" } }, function searchFlights(a: typeof args) {
      return { count: a.history.length, currency: a.options.currency, cheapest: 612.4 };
    });
    const ask = coat(Op.LLM, { model: "claude-sonnet-4-6", provider: "anthropic" }, async function ask(q: string) {
      current()!.usage({ input: 1200, output: 310 }).metadata({ tenant: "acme" });
      return `answer to ${q}`;
    });
    const fail = coat(Op.TOOL, function refund(): never {
      throw new Error("card declined: ünicode \ud800");
    });
    const agent = coat(Op.AGENT, async function plan() {
      for (let i = 0; i < 20; i++) search(args);
      await ask("which is cheapest?");
      try {
        fail();
      } catch {
        // recorded on its span
      }
    });
    await agent();
    await telemetry.forceFlush();
    const finished = spans.getFinishedSpans();
    const records = logs.getFinishedLogRecords();
    expect(finished.length).toBeGreaterThanOrEqual(23);
    expect(records.length).toBeGreaterThanOrEqual(2 * 23);
    for (const batch of [finished, finished.slice(0, 1), finished.slice(5, 9)]) {
      expect(Buffer.compare(traceProtobufSerializer.serializeRequest(batch)!, ProtobufTraceSerializer.serializeRequest(batch)!)).toBe(0);
    }
    for (const batch of [records, records.slice(0, 1), records.slice(3, 11)]) {
      expect(Buffer.compare(logsProtobufSerializer.serializeRequest(batch)!, ProtobufLogsSerializer.serializeRequest(batch)!)).toBe(0);
    }
  });
});
