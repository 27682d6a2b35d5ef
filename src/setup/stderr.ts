import type { ExportResult } from "@opentelemetry/core";
import { ExportResultCode } from "@opentelemetry/core";
import type { LogRecordExporter, ReadableLogRecord } from "@opentelemetry/sdk-logs";
import { envelopeLines } from "./envelopes.js";

/** The envpod seed's local mode: AOT envelopes as `[coat] {json}` lines on stderr. */
export class StderrEnvelopeExporter implements LogRecordExporter {
  constructor(private readonly write: (text: string) => unknown = (text) => process.stderr.write(text)) {}

  export(records: ReadableLogRecord[], done: (result: ExportResult) => void): void {
    try {
      const text = envelopeLines(records, "[coat] ");
      if (text !== "") this.write(text);
      done({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {}
}
