import type { Attributes, Context } from "@opentelemetry/api";
import type { AnyValueMap } from "../runtime/log-api.js";
import { Severity } from "../runtime/log-api.js";
import type { EnvelopeFacts, RecordIds } from "../dialects/envpod.js";
import { envelope } from "../dialects/envpod.js";
import { AotpKey } from "../dialects/keys.js";
import { markOwn } from "../runtime/own-marks.js";
import { runtimeOf } from "../runtime/state.js";

/**
 * Emits one AOT log record: event name and `aotp.kind` set to the kind, the envelope as body,
 * beside it the few routing attributes of recordAttributes() (never the span's; docs/records.md).
 * `attributes` is the caller's per-call scratch object: the SDK copies it.
 */
export function emitRecord(
  kind: string,
  error: boolean,
  ids: RecordIds,
  facts: EnvelopeFacts,
  payload: AnyValueMap,
  attributes: Attributes,
  ctx: Context,
): void {
  attributes[AotpKey.KIND] = kind;
  const body = envelope(kind, ids, facts, payload);
  markOwn(body, ids.stepId);
  runtimeOf(ctx).logger.emit({
    eventName: kind,
    severityNumber: error ? Severity.ERROR : Severity.INFO,
    severityText: error ? "ERROR" : "INFO",
    body,
    attributes: attributes as AnyValueMap,
    context: ctx,
  });
}
