import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ReceivedRequest } from "../../support/otlp-receiver.js";
import { collectorJson } from "./shapes.js";

/**
 * What the receiver accepted, as OTLP JSON lines: JSON bodies byte for byte as they crossed the
 * wire, protobuf bodies (http/protobuf, gRPC) as the Collector's file exporter would write them.
 */
export function acceptedAsJsonLines(requests: readonly ReceivedRequest[]): string {
  return requests
    .filter((r) => r.status === 200)
    .map((r) => (r.transport === "http/json" ? r.rawBody.toString("utf8") : JSON.stringify(collectorJson(r.signal, r.rawBody))))
    .join("\n");
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeTemp(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
