import type { IExportLogsServiceResponse, ISerializer } from "@opentelemetry/otlp-transformer";
import { ProtobufLogsSerializer } from "@opentelemetry/otlp-transformer";
import type { ReadableLogRecord } from "@opentelemetry/sdk-logs";
import { writeAnyValue, writeAttributes } from "./any-value.js";
import { protobufSerializer } from "./request.js";
import { writeHrTime } from "./hr-time.js";
import type { ProtoWriter } from "./proto-writer.js";

/** One LogRecord, with its tag. */
function writeLogRecord(w: ProtoWriter, record: ReadableLogRecord): void {
  w.byte(0x12);
  const at = w.startLength();
  w.byte(0x09);
  writeHrTime(w, record.hrTime);
  const severity = record.severityNumber;
  // 0 is SeverityNumber.UNSPECIFIED, proto3's default.
  if (severity !== undefined && severity !== 0) {
    w.byte(0x10);
    w.varint(severity);
  }
  if (record.severityText) {
    w.byte(0x1a);
    w.string(record.severityText);
  }
  if (record.body !== undefined) {
    w.byte(0x2a);
    const bodyAt = w.startLength();
    writeAnyValue(w, record.body);
    w.finishLength(bodyAt);
  }
  if (record.attributes) writeAttributes(w, record.attributes, 0x32);
  w.byte(0x38);
  w.varint(record.droppedAttributesCount);
  const context = record.spanContext;
  if (context?.traceFlags) {
    w.byte(0x45);
    w.fixed32(context.traceFlags);
  }
  if (context?.traceId) {
    w.byte(0x4a);
    w.hex(context.traceId);
  }
  if (context?.spanId) {
    w.byte(0x52);
    w.hex(context.spanId);
  }
  w.byte(0x59);
  writeHrTime(w, record.hrTimeObserved);
  if (record.eventName) {
    w.byte(0x62);
    w.string(record.eventName);
  }
  w.finishLength(at);
}

/** ExportLogsServiceRequest as protobuf, byte for byte what OTel's ProtobufLogsSerializer writes. */
export const logsProtobufSerializer: ISerializer<ReadableLogRecord[], IExportLogsServiceResponse> = protobufSerializer(writeLogRecord, (data) => ProtobufLogsSerializer.deserializeResponse(data));
