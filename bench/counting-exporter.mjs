// An exporter that counts the records reaching it and drops them: the benchmarks' sink.
import { ExportResultCode } from "@opentelemetry/core";

export class CountingExporter {
  records = 0;
  export(items, done) {
    this.records += items.length;
    done({ code: ExportResultCode.SUCCESS });
  }
  shutdown() {
    return Promise.resolve();
  }
  forceFlush() {
    return Promise.resolve();
  }
}
