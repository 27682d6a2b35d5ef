/**
 * A small agent run through coat() — LLM calls, tools (one failing), tie() events, a stream —
 * recorded by sealed providers into the real file sink. What the file holds is what tamper tests
 * then attack.
 */
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BatchLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { Op, coat, current, tie } from "../../../src/index.js";
import { FileLogExporter, FileSpanExporter } from "../../../src/setup/file-sink.js";
import { useProviders } from "../../../src/runtime/state.js";
import type { SealOptions } from "../../../src/seal/options.js";
import { sealedProviders } from "./pipeline.js";

let contextSet = false;

export interface RecordedRun {
  spanChain: string;
  logChain: string;
}

/** Runs the agent `rounds` times into `file`, shuts the providers down, returns the chain ids. */
export async function recordAgentRun(file: string, seal: SealOptions, rounds = 3): Promise<RecordedRun> {
  if (!contextSet) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    contextSet = true;
  }
  const batch = { maxExportBatchSize: 4, scheduledDelayMillis: 5 };
  const p = sealedProviders({
    spans: [new BatchSpanProcessor(new FileSpanExporter(file), batch)],
    logs: [new BatchLogRecordProcessor({ exporter: new FileLogExporter(file), ...batch })],
    seal,
  });
  useProviders(p.tracerProvider, p.loggerProvider);
  try {
    const lookup = coat(Op.TOOL, { capture: "raw", description: "Looks an order up" }, function lookupOrder(id: string) {
      tie("db.query", { table: "orders", id });
      return { id, status: "shipped", total: 42.5 };
    });
    const refund = coat(Op.TOOL, { capture: "raw", intent: "Return funds to the card", action: "stripe.refund.create" }, async function refund(amount: number) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (amount > 100) throw new Error("card declined");
      return { id: "re_1", amount };
    });
    const reply = coat(Op.LLM, { capture: "raw", model: "claude-sonnet-4-6", provider: "anthropic" }, async function* reply(prompt: string) {
      for (const word of ["Your ", "refund ", "is ", "on ", "its ", "way"]) yield `${word}`;
      void prompt;
    });
    const plan = coat(Op.LLM, { capture: "raw", model: "claude-sonnet-4-6" }, async function plan(question: string) {
      current()?.usage({ input: 1200, output: 310 });
      return `plan for ${question}`;
    });
    const run = coat(Op.RUN, { capture: "raw" }, async function supportRun(round: number) {
      await plan(`where is order ${round}?`);
      lookup(`ord_${round}`);
      await refund(round * 60).catch(() => undefined);
      let text = "";
      for await (const chunk of reply("answer")) text += chunk;
      return text;
    });
    for (let round = 1; round <= rounds; round++) await run(round);
  } finally {
    useProviders(undefined, undefined);
    await p.shutdown();
  }
  return { spanChain: p.spanSeal.chainId, logChain: p.logSeal.chainId };
}
