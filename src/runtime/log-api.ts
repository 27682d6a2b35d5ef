/**
 * The few OpenTelemetry Logs API shapes agent-coat uses, declared here so that no copy of
 * `@opentelemetry/api-logs` (2.x line) or of the logs in `@opentelemetry/api` 1.10 (3.x line) is
 * needed at run time: both lines' loggers accept these records.
 */
import type { Context } from "@opentelemetry/api";

export type AnyValue = string | number | boolean | Uint8Array | AnyValue[] | AnyValueMap | null | undefined;

export interface AnyValueMap {
  [key: string]: AnyValue;
}

/** Severity numbers of the OpenTelemetry log data model. */
export const Severity = { INFO: 9, WARN: 13, ERROR: 17 } as const;

export interface EmittedLogRecord {
  eventName?: string;
  severityNumber?: number;
  severityText?: string;
  body?: AnyValue;
  attributes?: AnyValueMap;
  context?: Context;
}

export interface LogEmitter {
  emit(record: EmittedLogRecord): void;
}

export interface LoggerSource {
  getLogger(name: string, version?: string, options?: { schemaUrl?: string }): LogEmitter;
}
