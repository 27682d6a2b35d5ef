// Per-call cost, side by side in one process: a bare function, a hand-written OpenTelemetry
// span, openinference-core's traceTool, Langfuse's observe, and coat() in capture modes none,
// redacted and hash × logs on/off × sealing on/off; sync and async tool-shaped calls.
//
// Every variant exports through real batch processors into an exporter that counts and
// discards. A round is `calls` calls in slices of SLICE, yielding to the event loop between
// slices (as a server does between requests) so the batch processors run; the round's clock
// stops after a final flush, so queueing, batching and deferred work are all inside it.
// Variants take turns within each round; the first round warms up and is not counted.
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { traceTool } from "@arizeai/openinference-core";
import { observe } from "@langfuse/tracing";
import { context, diag, DiagLogLevel, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { ExportResultCode } from "@opentelemetry/core";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { AOTP_SPEC, AotpKey, EnvpodKey, Op, SEAL_CHECKPOINT_NAME, coat, register } from "agent-coat";
import { args, searchFlights, searchFlightsAsync } from "./workload.mjs";

const SLICE = 100;
const DESCRIPTION = "Search flights";
const PARAMETERS = JSON.stringify({ type: "object", properties: { query: { type: "string" } } });

/** An exporter that counts what reaches it (checkpoints apart) and drops it. */
class CountingExporter {
  records = 0;
  checkpoints = 0;
  export(items, done) {
    for (const item of items) {
      if ((item.eventName ?? item.name) === SEAL_CHECKPOINT_NAME) this.checkpoints++;
      else this.records++;
    }
    done({ code: ExportResultCode.SUCCESS });
  }
  shutdown() {
    return Promise.resolve();
  }
  forceFlush() {
    return Promise.resolve();
  }
}

// Peers and the raw span record through the global provider, as they do in an app.
const peerSpans = new CountingExporter();
const peerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(peerSpans)] });
context.setGlobalContextManager(new AsyncLocalStorageContextManager());
trace.setGlobalTracerProvider(peerProvider);
// register() beside the peers' global provider warns once per round; the warning is expected.
diag.setLogger({ error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.ERROR);

const tracer = trace.getTracer("bench-raw");
const toolAttributes = {
  [SC.OPENINFERENCE_SPAN_KIND]: "TOOL",
  [SC.TOOL_NAME]: "searchFlights",
  [SC.TOOL_DESCRIPTION]: DESCRIPTION,
  [SC.TOOL_PARAMETERS]: PARAMETERS,
};
// Everything coat() puts on a tool span when it captures no content, written by hand.
const sessionId = "sess_0123456789abcdef";
const runId = "run_0123456789abcdef";
const coatAttributes = {
  ...toolAttributes,
  [AotpKey.SPEC]: AOTP_SPEC,
  [AotpKey.OP]: "agent.tool",
  [EnvpodKey.OP]: Op.TOOL,
  [EnvpodKey.FN]: "searchFlights",
  [EnvpodKey.PID]: process.pid,
  [EnvpodKey.CAPTURE_MODE]: "none",
  [EnvpodKey.CLAIM_KIND]: "anonymous",
  [AotpKey.SESSION_ID]: sessionId,
  [AotpKey.RUN_ID]: runId,
  [EnvpodKey.ANONYMOUS_FINGERPRINT]: `anon_pid${process.pid}_uid0_sess${sessionId}`,
  [SC.SESSION_ID]: sessionId,
};

/** startActiveSpan by hand, with the attributes coat() none writes (same keys, per-call step id), status OK. */
function rawSpan(fn, attributes, perCallId) {
  const settle = (span, result) => {
    span.setStatus({ code: SpanStatusCode.OK });
    span.end();
    return result;
  };
  return function rawOtel(a) {
    return tracer.startActiveSpan("searchFlights", { attributes }, (span) => {
      if (perCallId) span.setAttribute(AotpKey.STEP_ID, `step_${span.spanContext().spanId}`);
      try {
        const result = fn(a);
        return result instanceof Promise ? result.then((r) => settle(span, r)) : settle(span, result);
      } catch (error) {
        span.end();
        throw error;
      }
    });
  };
}

/** The same, plus input and output as JSON, as traceTool records them. */
function rawSpanWithContent(fn) {
  const settle = (span, result) => {
    span.setAttributes({ [SC.OUTPUT_VALUE]: JSON.stringify(result), [SC.OUTPUT_MIME_TYPE]: "application/json" });
    span.end();
    return result;
  };
  return function rawOtelContent(a) {
    const attributes = { ...toolAttributes, [SC.INPUT_VALUE]: JSON.stringify(a), [SC.INPUT_MIME_TYPE]: "application/json" };
    return tracer.startActiveSpan("searchFlights", { attributes }, (span) => {
      const result = fn(a);
      return result instanceof Promise ? result.then((r) => settle(span, r)) : settle(span, result);
    });
  };
}

const peer = (fn) => ({ spans: 1, logs: 0, run: fn, exporters: [peerSpans], flush: () => peerProvider.forceFlush() });

function coatVariant(fn, capture, logs, seal) {
  const spans = new CountingExporter();
  const logRecords = new CountingExporter();
  const wrapped = coat(Op.TOOL, { description: DESCRIPTION, parameters: PARAMETERS }, fn);
  let telemetry;
  return {
    spans: 1,
    logs: logs ? 2 : 0,
    run: wrapped,
    exporters: [spans, logRecords],
    setup: () => {
      telemetry = register({ capture, logs, seal: seal ? {} : false, spanExporters: [spans], logExporters: [logRecords], stderr: false, file: false, env: {} });
    },
    flush: () => telemetry.forceFlush(),
    teardown: () => telemetry.shutdown(),
  };
}

function variants(fn) {
  const list = {
    bare: { spans: 0, logs: 0, run: fn, exporters: [], flush: () => Promise.resolve() },
    raw_otel_minimal: peer(rawSpan(fn, toolAttributes, false)),
    raw_otel: peer(rawSpan(fn, coatAttributes, true)),
    raw_otel_with_content: peer(rawSpanWithContent(fn)),
    openinference_traceTool: peer(traceTool(fn, { name: "searchFlights" })),
    langfuse_observe: peer(observe(fn, { name: "searchFlights", asType: "tool" })),
  };
  for (const capture of ["none", "redacted", "hash"]) {
    for (const logs of [false, true]) {
      for (const seal of [false, true]) list[`coat_${capture}_logs_${logs ? "on" : "off"}_seal_${seal ? "on" : "off"}`] = coatVariant(fn, capture, logs, seal);
    }
  }
  return list;
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

async function round(variant, calls, isAsync) {
  await variant.setup?.();
  const before = variant.exporters.reduce((n, e) => n + e.records, 0);
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  for (let done = 0; done < calls; done += SLICE) {
    if (isAsync) for (let i = 0; i < SLICE; i++) await variant.run(args);
    else for (let i = 0; i < SLICE; i++) variant.run(args);
    await nextTurn();
  }
  await variant.flush();
  const elapsed = Number(process.hrtime.bigint() - start);
  const cpu = process.cpuUsage(cpuStart);
  await variant.teardown?.();
  const exported = variant.exporters.reduce((n, e) => n + e.records, 0) - before;
  return { us: elapsed / calls / 1000, cpuUs: (cpu.user + cpu.system) / calls, drops: calls * (variant.spans + variant.logs) - exported };
}

export const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Runs both flavours; returns medians (µs per call), drops and ratios. */
export async function runCalls({ quick = false, only } = {}) {
  const rounds = quick ? 4 : 16;
  const calls = quick ? 1_000 : 10_000;
  const result = { rounds_counted: rounds - 1, calls_per_round: calls, sync: {}, async: {} };
  for (const flavour of ["sync", "async"]) {
    const list = Object.entries(variants(flavour === "sync" ? searchFlights : searchFlightsAsync)).filter(([name]) => only === undefined || only.some((o) => name.includes(o)) || name === "bare");
    const samples = Object.fromEntries(list.map(([name]) => [name, []]));
    const cpuSamples = Object.fromEntries(list.map(([name]) => [name, []]));
    const drops = Object.fromEntries(list.map(([name]) => [name, 0]));
    for (let r = 0; r < rounds; r++) {
      for (const [name, variant] of list) {
        const { us, cpuUs, drops: lost } = await round(variant, calls, flavour === "async");
        if (r > 0) samples[name].push(us);
        if (r > 0) cpuSamples[name].push(cpuUs);
        drops[name] += lost;
      }
    }
    for (const [name] of list) result[flavour][name] = { median_us: median(samples[name]), min_us: Math.min(...samples[name]), cpu_us: median(cpuSamples[name]), drops: drops[name] };
  }
  const ratio = (flavour, a, b) => (result[flavour][a] && result[flavour][b] ? result[flavour][a].median_us / result[flavour][b].median_us : undefined);
  result.ratios = {
    coat_full_vs_openinference: ratio("sync", "coat_redacted_logs_on_seal_on", "openinference_traceTool"),
    coat_defaults_vs_openinference: ratio("sync", "coat_none_logs_on_seal_on", "openinference_traceTool"),
    coat_defaults_vs_openinference_async: ratio("async", "coat_none_logs_on_seal_on", "openinference_traceTool"),
    coat_none_vs_raw: ratio("sync", "coat_none_logs_off_seal_off", "raw_otel"),
    coat_none_sealed_vs_raw: ratio("sync", "coat_none_logs_off_seal_on", "raw_otel"),
    coat_full_vs_openinference_async: ratio("async", "coat_redacted_logs_on_seal_on", "openinference_traceTool"),
    coat_none_vs_raw_async: ratio("async", "coat_none_logs_off_seal_off", "raw_otel"),
    coat_full_vs_langfuse: ratio("sync", "coat_redacted_logs_on_seal_on", "langfuse_observe"),
    coat_full_vs_langfuse_async: ratio("async", "coat_redacted_logs_on_seal_on", "langfuse_observe"),
  };
  await peerProvider.forceFlush();
  return result;
}

export function printCalls(result, print = console.log) {
  print(`per call, median of ${result.rounds_counted} rounds × ${result.calls_per_round} calls (µs; drops over all rounds)`);
  const names = Object.keys(result.sync);
  print(`  ${"variant".padEnd(34)} ${"sync".padStart(8)} ${"async".padStart(8)} ${"cpu sync".padStart(9)}  drops`);
  for (const name of names) {
    const s = result.sync[name];
    const a = result.async[name];
    print(`  ${name.padEnd(34)} ${s.median_us.toFixed(2).padStart(8)} ${(a?.median_us.toFixed(2) ?? "-").padStart(8)} ${s.cpu_us.toFixed(2).padStart(9)}  ${s.drops + (a?.drops ?? 0)}`);
  }
  for (const [k, v] of Object.entries(result.ratios)) if (v !== undefined) print(`  ${k.padEnd(34)} ×${v.toFixed(2)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  const onlyAt = argv.indexOf("--only");
  const result = await runCalls({ quick: argv.includes("--quick"), only: onlyAt >= 0 ? argv[onlyAt + 1].split(",") : undefined });
  if (argv.includes("--json")) console.log(JSON.stringify(result));
  else printCalls(result);
}
