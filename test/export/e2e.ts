/** One end-to-end run over OTLP http/protobuf to the in-process receiver; each test file registers once (globals). */
import { expect, vi } from "vitest";
import { Op, coat } from "../../src/index.js";
import { logsProtobufSerializer } from "../../src/export/logs-serializer.js";
import { traceProtobufSerializer } from "../../src/export/trace-serializer.js";
import { startHarness } from "../support/harness.js";

export async function exportOverHttpProtobuf(compression: "gzip" | "none"): Promise<void> {
  const serializeSpans = vi.spyOn(traceProtobufSerializer, "serializeRequest");
  const serializeLogs = vi.spyOn(logsProtobufSerializer, "serializeRequest");
  const h = await startHarness({ protocol: "http/protobuf", compression, capture: "raw" });
  try {
    const search = coat(Op.TOOL, function searchFlights(query: string) {
      return { query, cheapest: 612.4, seats: ["12A", "14F"] };
    });
    for (let i = 0; i < 30; i++) search(`Lisbon → Tokyo #${i} ${"x".repeat(i * 20)}`);
    const spans = await h.spans(30);
    const logs = await h.logs(60);
    expect(spans.filter((s) => s.name === "searchFlights")).toHaveLength(30);
    expect(String(spans.find((s) => s.name === "searchFlights")!.attributes["input.value"])).toContain("Lisbon → Tokyo #");
    expect(logs.length).toBeGreaterThanOrEqual(60);
    expect(h.receiver.errors).toEqual([]);
    const requests = h.receiver.requests;
    expect(requests.every((r) => r.transport === "http/protobuf")).toBe(true);
    for (const r of requests) {
      expect(r.headers["content-type"]).toBe("application/x-protobuf");
      expect(r.headers["content-encoding"]).toBe(compression === "gzip" ? "gzip" : undefined);
    }
    expect(new Set(requests.map((r) => r.signal))).toEqual(new Set(["traces", "logs"]));
    expect(serializeSpans).toHaveBeenCalled();
    expect(serializeLogs).toHaveBeenCalled();
  } finally {
    await h.close();
    vi.restoreAllMocks();
  }
}
