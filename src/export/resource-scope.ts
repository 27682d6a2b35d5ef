import type { InstrumentationScope } from "@opentelemetry/core";
import type { Resource } from "@opentelemetry/resources";
import { writeAttributes } from "./any-value.js";
import type { ProtoWriter } from "./proto-writer.js";

/** The scope of a record, with the attributes the SDK's scope type may carry. */
export type Scope = InstrumentationScope & { attributes?: object; droppedAttributesCount?: number };

/** Field 1 (Resource) of ResourceSpans / ResourceLogs. OTel writes dropped_attributes_count as 0 always, whatever the resource says. */
export function writeResource(w: ProtoWriter, resource: Resource): void {
  w.byte(0x0a);
  const at = w.startLength();
  const attributes = resource.attributes;
  if (attributes) writeAttributes(w, attributes, 0x0a);
  w.byte(0x10);
  w.byte(0);
  w.finishLength(at);
}

/** Field 1 (InstrumentationScope) of ScopeSpans / ScopeLogs. */
export function writeScope(w: ProtoWriter, scope: Scope): void {
  w.byte(0x0a);
  const at = w.startLength();
  w.byte(0x0a);
  w.string(scope.name);
  if (scope.version) {
    w.byte(0x12);
    w.string(scope.version);
  }
  if (scope.attributes) writeAttributes(w, scope.attributes, 0x1a);
  if (scope.droppedAttributesCount) {
    w.byte(0x20);
    w.varint(scope.droppedAttributesCount);
  }
  w.finishLength(at);
}

/** A schema_url field (field 3 of both the resource and the scope wrappers), skipped when empty. */
export function writeSchemaUrl(w: ProtoWriter, schemaUrl: string | undefined): void {
  if (!schemaUrl) return;
  w.byte(0x1a);
  w.string(schemaUrl);
}
