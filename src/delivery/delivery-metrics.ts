import type { MeterProvider } from "@opentelemetry/api";
import { metrics } from "@opentelemetry/api";
import { VERSION } from "../runtime/version.js";
import { DeliveryKey } from "../dialects/keys.js";
import { liveStats } from "./delivery-stats.js";

const observed = new WeakSet<MeterProvider>();

/**
 * The delivery path's own health as OpenTelemetry metrics, on `meterProvider` (default: the global
 * one at the time of the call): `envpod.delivery.records` (created, exported, spooled, re-sent,
 * retried, dropped — by destination, and by cause for drops) and `envpod.delivery.spool.size`.
 * Nothing is measured until the provider collects; agent-coat needs no MeterProvider to work.
 */
export function coatDeliveryMetrics(meterProvider: MeterProvider = metrics.getMeterProvider()): void {
  if (observed.has(meterProvider)) return;
  observed.add(meterProvider);
  const meter = meterProvider.getMeter("agent-coat", VERSION);
  const records = meter.createObservableCounter("envpod.delivery.records", { unit: "{record}", description: "Spans and log records on agent-coat's delivery path, by outcome" });
  const spool = meter.createObservableGauge("envpod.delivery.spool.size", { unit: "By", description: "Bytes waiting in agent-coat's spool to be re-sent" });
  records.addCallback((result) => {
    for (const stats of liveStats) {
      const at = { [DeliveryKey.DESTINATION]: stats.destination };
      for (const [outcome, value] of [
        ["created", stats.created],
        ["exported", stats.exported],
        ["spooled", stats.spooled],
        ["resent", stats.resent],
        ["retried", stats.retried],
      ] as const) {
        result.observe(value, { ...at, [DeliveryKey.OUTCOME]: outcome });
      }
      for (const [cause, value] of stats.dropped) result.observe(value, { ...at, [DeliveryKey.OUTCOME]: "dropped", [DeliveryKey.CAUSE]: cause });
    }
  });
  spool.addCallback((result) => {
    for (const stats of liveStats) result.observe(stats.spoolBytes(), { [DeliveryKey.DESTINATION]: stats.destination });
  });
}
