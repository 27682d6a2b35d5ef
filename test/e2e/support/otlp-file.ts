// OTLP JSON lines (one export request per line), as the Collector's file exporter and agent-coat's
// file sink write them, read into the receiver's plain shapes.
import { existsSync, readFileSync } from "node:fs";
import { normaliseLogs, normaliseTraces } from "../../support/otlp-receiver.js";
import type { ReceivedLog, ReceivedSpan } from "../../support/otlp-receiver.js";

export interface OtlpRecords {
  spans: ReceivedSpan[];
  logs: ReceivedLog[];
}

export function readOtlpJsonLines(path: string): OtlpRecords {
  const records: OtlpRecords = { spans: [], logs: [] };
  if (!existsSync(path)) return records;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const request = JSON.parse(line) as Record<string, unknown>;
    records.spans.push(...normaliseTraces(request));
    records.logs.push(...normaliseLogs(request));
  }
  return records;
}
