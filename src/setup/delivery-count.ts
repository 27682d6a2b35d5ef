import type { ExportResult } from "@opentelemetry/core";
import { warnOnce } from "../runtime/report.js";

interface Exporter<T> {
  export(items: T[], done: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}

const FAILED = 1;

/**
 * Wraps an exporter so that records it could not deliver (after its own retries) are counted and
 * reported: once at the first failure, and with the totals at shutdown. Nothing is lost silently.
 */
export function countDelivery<T, E extends Exporter<T>>(exporter: E, destination: string, what: string): E {
  const count = { delivered: 0, failed: 0 };
  const counted: Exporter<T> = {
    export(items, done) {
      exporter.export(items, (result) => {
        if (result.code === FAILED) {
          count.failed += items.length;
          warnOnce(`export to ${destination} failed`, `${items.length} ${what} could not be delivered to ${destination} (${result.error?.message ?? "export failed"}); further failures are counted and reported at shutdown`);
        } else count.delivered += items.length;
        done(result);
      });
    },
    async shutdown() {
      try {
        await exporter.shutdown();
      } finally {
        if (count.failed > 0) warnOnce(`undelivered to ${destination} at shutdown`, `${count.failed} ${what} were not delivered to ${destination} (${count.delivered} were)`);
      }
    },
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
  return counted as E;
}
