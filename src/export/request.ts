import type { Resource } from "@opentelemetry/resources";
import type { ISerializer } from "@opentelemetry/otlp-transformer";
import { OutputSize } from "./output-size.js";
import type { ProtoWriter } from "./proto-writer.js";
import type { Scope } from "./resource-scope.js";
import { writeResource, writeSchemaUrl, writeScope } from "./resource-scope.js";

interface Grouped {
  resource: Resource;
  instrumentationScope: Scope;
}

/** Records by resource object, then by scope object, each in first-seen order (identity, not equality). */
function groupByResourceAndScope<T extends Grouped>(records: readonly T[]): Map<Resource, Map<Scope, T[]>> {
  const byResource = new Map<Resource, Map<Scope, T[]>>();
  for (const record of records) {
    let byScope = byResource.get(record.resource);
    if (byScope === undefined) {
      byScope = new Map();
      byResource.set(record.resource, byScope);
    }
    const scope = record.instrumentationScope;
    const list = byScope.get(scope);
    if (list === undefined) byScope.set(scope, [record]);
    else list.push(record);
  }
  return byResource;
}

/**
 * An Export{Trace,Logs}ServiceRequest: the records grouped into Resource{Spans,Logs} and
 * Scope{Spans,Logs}, whose field numbers the two signals share. `writeRecord` writes one record
 * with its tag.
 */
export function writeRequest<T extends Grouped>(w: ProtoWriter, records: readonly T[], writeRecord: (w: ProtoWriter, record: T) => void): void {
  for (const [resource, byScope] of groupByResourceAndScope(records)) {
    w.byte(0x0a);
    const at = w.startLength();
    writeResource(w, resource);
    for (const [scope, list] of byScope) {
      w.byte(0x12);
      const scopeAt = w.startLength();
      writeScope(w, scope);
      for (const record of list) writeRecord(w, record);
      writeSchemaUrl(w, scope.schemaUrl);
      w.finishLength(scopeAt);
    }
    writeSchemaUrl(w, resource.schemaUrl);
    w.finishLength(at);
  }
}

/** An OTLP protobuf serializer for one signal: requests written here, responses read by OTel's own. */
export function protobufSerializer<T extends Grouped, Response>(
  writeRecord: (w: ProtoWriter, record: T) => void,
  deserializeResponse: (data: Uint8Array) => Response,
): ISerializer<T[], Response> {
  const size = new OutputSize();
  return {
    serializeRequest(records) {
      const w = size.writer();
      writeRequest(w, records, writeRecord);
      return size.finish(w);
    },
    deserializeResponse,
  };
}
