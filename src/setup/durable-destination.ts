import { JsonLogsSerializer, JsonTraceSerializer } from "@opentelemetry/otlp-transformer";
import type { LogRecordProcessor, ReadableLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan, SpanProcessor } from "@opentelemetry/sdk-trace";
import { DeliveryKey } from "../dialects/keys.js";
import type { BatchSettings } from "../delivery/durable-batch.js";
import { DurableLogProcessor, DurableSpanProcessor } from "../delivery/durable-batch.js";
import type { DeliveryOptions } from "../delivery/durable-delivery.js";
import { DurableDelivery } from "../delivery/durable-delivery.js";
import type { DropCause } from "../delivery/delivery-stats.js";
import { DeliveryStats, liveStats } from "../delivery/delivery-stats.js";
import { otlpPayloadSender } from "../delivery/payload-sender.js";
import { grpcPayloadSender } from "../delivery/grpc-payload-sender.js";
import { logsProtobufSerializer } from "../export/logs-serializer.js";
import { traceProtobufSerializer } from "../export/trace-serializer.js";
import { Severity } from "../runtime/log-api.js";
import { state } from "../runtime/state.js";
import { exporterConfig } from "./exporters.js";
import type { OtlpTarget } from "./exporters.js";
import type { SpoolSettings } from "./spool-settings.js";
import { spoolFolder } from "./spool-settings.js";

export interface DurableSetup {
  spool: SpoolSettings | undefined;
  deadlineMs: number | undefined;
}

/** An OTLP span destination (HTTP or gRPC) on the durable path: batches serialised once, sent, or spooled. */
export function durableSpans(target: OtlpTarget, described: string, setup: DurableSetup, batch: BatchSettings): SpanProcessor {
  const json = target.protocol === "http/json";
  const delivery = durableDelivery(target, "traces", described, setup, "spans");
  const serialize = json ? (spans: ReadableSpan[]) => JsonTraceSerializer.serializeRequest(spans) : (spans: ReadableSpan[]) => traceProtobufSerializer.serializeRequest(spans);
  return new DurableSpanProcessor(delivery, serialize, batch);
}

export function durableLogs(target: OtlpTarget, described: string, setup: DurableSetup, batch: BatchSettings): LogRecordProcessor {
  const json = target.protocol === "http/json";
  const delivery = durableDelivery(target, "logs", described, setup, "log records");
  const serialize = json ? (records: ReadableLogRecord[]) => JsonLogsSerializer.serializeRequest(records) : (records: ReadableLogRecord[]) => logsProtobufSerializer.serializeRequest(records);
  return new DurableLogProcessor(delivery, serialize, batch);
}

function durableDelivery(target: OtlpTarget, signal: "traces" | "logs", described: string, setup: DurableSetup, what: string): DurableDelivery {
  const sender = target.protocol === "grpc" ? grpcPayloadSender(exporterConfig(target) as Record<string, unknown>, signal) : otlpPayloadSender(exporterConfig(target), signal, target.protocol === "http/json");
  const spool = setup.spool === undefined ? undefined : { dir: spoolFolder(setup.spool, signal, target.url), limits: setup.spool.limits };
  const losses = new LossRecords(described);
  const options: DeliveryOptions = { onLoss: losses.onLoss };
  if (setup.deadlineMs !== undefined) options.deadlineMs = setup.deadlineMs;
  const stats = new DeliveryStats(described);
  lossRecordsOf.set(stats, losses);
  return new DurableDelivery(sender, spool, stats, what, options);
}

/**
 * Losses become log records too: at most one per destination and cause every ten seconds (a log
 * destination that is down would otherwise report the loss of its own loss reports without end),
 * each with the records lost since the last one, and whatever is left unreported at shutdown.
 */
class LossRecords {
  private readonly pending = new Map<DropCause, { records: number; detail: string }>();
  private readonly last = new Map<DropCause, number>();

  constructor(private readonly destination: string) {}

  readonly onLoss = (records: number, cause: DropCause, detail: string): void => {
    const open = this.pending.get(cause);
    this.pending.set(cause, { records: (open?.records ?? 0) + records, detail });
    if (Date.now() - (this.last.get(cause) ?? 0) < LOSS_RECORD_INTERVAL_MS) return;
    this.last.set(cause, Date.now());
    setImmediate(() => this.write(cause)).unref();
  };

  /** Writes what is still unreported (shutdown calls this before the last flush). */
  writeAll(): void {
    for (const cause of [...this.pending.keys()]) this.write(cause);
  }

  private write(cause: DropCause): void {
    const loss = this.pending.get(cause);
    if (loss === undefined) return;
    this.pending.delete(cause);
    try {
      state.logger.emit({
        eventName: DeliveryKey.EVENT,
        severityNumber: Severity.WARN,
        severityText: "WARN",
        body: loss.detail,
        attributes: { [DeliveryKey.DESTINATION]: this.destination, [DeliveryKey.CAUSE]: cause, [DeliveryKey.LOST]: loss.records },
      });
    } catch {
      // the warning on diag/stderr already said it
    }
  }
}

const LOSS_RECORD_INTERVAL_MS = 10_000;
/** Keyed by the destination's counts, which live while its delivery runs (see liveStats). */
const lossRecordsOf = new WeakMap<DeliveryStats, LossRecords>();

/** Every live destination's unreported losses as log records, now (register()'s shutdown, before its flush). */
export function writeLossRecords(): void {
  for (const stats of liveStats) lossRecordsOf.get(stats)?.writeAll();
}
