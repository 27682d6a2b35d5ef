/** Reading OTLP JSON lines (the file sink's and the Collector file exporter's format). */

export type OtlpAttributes = Record<string, unknown>;

export interface FileSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  startNs: bigint;
  endNs: bigint;
  attributes: OtlpAttributes;
  events: { name: string; timeNs: bigint; attributes: OtlpAttributes }[];
  status: { code: number; message: string };
  service: string;
}

export interface FileLog {
  traceId: string;
  spanId: string;
  timeNs: bigint;
  eventName: string;
  severityText: string;
  body: unknown;
  attributes: OtlpAttributes;
}

interface KeyValue {
  key: string;
  value?: AnyValue;
}
interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number | string;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string;
}

export function anyValue(v: AnyValue | undefined): unknown {
  if (v === undefined || v === null) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return Number(v.doubleValue);
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(anyValue);
  if (v.kvlistValue !== undefined) return attributes(v.kvlistValue.values);
  if (v.bytesValue !== undefined) return v.bytesValue;
  return null;
}

export function attributes(list: KeyValue[] | undefined): OtlpAttributes {
  const out: OtlpAttributes = {};
  for (const kv of list ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

/** Parses every line; lines that are not OTLP JSON are counted in `skipped`. */
export function readOtlpLines(text: string): { spans: FileSpan[]; logs: FileLog[]; skipped: number } {
  const spans: FileSpan[] = [];
  const logs: FileLog[] = [];
  let skipped = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let doc: Record<string, any>;
    try {
      doc = JSON.parse(line);
    } catch {
      skipped++;
      continue;
    }
    for (const rs of doc.resourceSpans ?? []) {
      const service = String(attributes(rs.resource?.attributes)["service.name"] ?? "");
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          spans.push({
            traceId: s.traceId ?? "",
            spanId: s.spanId ?? "",
            parentSpanId: s.parentSpanId ?? "",
            name: s.name ?? "",
            startNs: BigInt(s.startTimeUnixNano ?? 0),
            endNs: BigInt(s.endTimeUnixNano ?? 0),
            attributes: attributes(s.attributes),
            events: (s.events ?? []).map((e: Record<string, any>) => ({ name: e.name ?? "", timeNs: BigInt(e.timeUnixNano ?? 0), attributes: attributes(e.attributes) })),
            status: { code: Number(s.status?.code ?? 0), message: s.status?.message ?? "" },
            service,
          });
        }
      }
    }
    for (const rl of doc.resourceLogs ?? []) {
      for (const sl of rl.scopeLogs ?? []) {
        for (const l of sl.logRecords ?? []) {
          logs.push({
            traceId: l.traceId ?? "",
            spanId: l.spanId ?? "",
            timeNs: BigInt(l.timeUnixNano ?? 0),
            eventName: l.eventName ?? "",
            severityText: l.severityText ?? "",
            body: anyValue(l.body),
            attributes: attributes(l.attributes),
          });
        }
      }
    }
    if (doc.resourceSpans === undefined && doc.resourceLogs === undefined) skipped++;
  }
  return { spans, logs, skipped };
}
