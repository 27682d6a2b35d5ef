import type { Attributes, Context } from "@opentelemetry/api";
import { trace } from "@opentelemetry/api";
import type { Span } from "@opentelemetry/sdk-trace";
import { OpenInferenceSpanKind, SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import type { SpanStage } from "./span-pipeline.js";
import type { WritableSpan } from "./writable-span.js";
import { scopeOf } from "../context/scope.js";
import { GenAiKey } from "../dialects/gen-ai-keys.js";
import { EnvpodKey } from "../dialects/keys.js";
import { Op } from "../dialects/ops.js";
import { reportOnce } from "../runtime/report.js";

const TRANSPORT = Symbol.for("agent-coat.llm-transport");

/**
 * One LLM call, one LLM span. An SDK that writes a GenAI-conventions span of its own for the
 * request (`@anthropic-ai/sdk`'s `anthropic.messages.create`), directly inside a coat LLM call,
 * becomes that call's transport child: an OpenInference CHAIN (never UNKNOWN), without token
 * counts and without `gen_ai.operation.name`, so neither Phoenix nor a GenAI backend counts the
 * call or its tokens twice. Its other attributes (HTTP, server, request ids) stay.
 */
export class LlmTransportStage implements SpanStage {
  begin(span: Span, parentContext: Context): void {
    try {
      const attributes = span.attributes as Attributes | undefined;
      if (attributes === undefined || attributes[GenAiKey.OPERATION_NAME] === undefined || attributes[SC.OPENINFERENCE_SPAN_KIND] !== undefined) return;
      const call = scopeOf(parentContext).call as { op?: unknown; span?: unknown } | undefined;
      if (call?.op !== Op.LLM || trace.getSpan(parentContext) !== call.span) return;
      (span as unknown as { [TRANSPORT]?: true })[TRANSPORT] = true;
      span.setAttribute(SC.OPENINFERENCE_SPAN_KIND, OpenInferenceSpanKind.CHAIN);
      span.setAttribute(EnvpodKey.LLM_TRANSPORT, true);
    } catch (error) {
      reportOnce("marking an SDK's LLM span", error);
    }
  }

  prepare(span: WritableSpan, original: object): void {
    if ((original as { [TRANSPORT]?: true })[TRANSPORT] !== true) return;
    const attributes = span.attributes;
    const kept: Attributes = {};
    let dropped = false;
    for (const key in attributes) {
      if (key === GenAiKey.OPERATION_NAME || key.startsWith("gen_ai.usage.") || key.startsWith("llm.token_count.")) dropped = true;
      else kept[key] = attributes[key];
    }
    if (dropped) (span as { attributes: Attributes }).attributes = kept;
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
