// `coat verify` throughput: the file sink's output of N fully-featured calls (capture redacted,
// logs and seal on: 3 records a call) verified by verifyFiles, the function behind `coat verify`.
// Reading the file and JSON.parse count; a file this large is read on worker threads (the default of
// verifyFiles: the available parallelism, at most 4), and the result says how many. Run: npm run build && node bench/verify.mjs [--quick] [--calls N] [--json]
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Op, coat, register, verifyFiles } from "agent-coat";
import { args, searchFlights } from "./workload.mjs";

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

export async function runVerify({ quick = false, calls = quick ? 10_000 : 100_000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "coat-verify-bench-"));
  const file = join(dir, "coat.jsonl");
  try {
    // Queues big enough that generating as fast as possible drops nothing: this measures verification.
    const env = { OTEL_BSP_MAX_QUEUE_SIZE: "200000", OTEL_BLRP_MAX_QUEUE_SIZE: "400000" };
    const telemetry = register({ serviceName: "verify-bench", capture: "redacted", file, stderr: false, env });
    const tool = coat(Op.TOOL, searchFlights);
    for (let done = 0; done < calls; done += 100) {
      for (let i = 0; i < 100; i++) tool(args);
      await nextTurn();
    }
    await telemetry.shutdown();
    const bytes = statSync(file).size;
    const start = process.hrtime.bigint();
    const report = await verifyFiles([file]);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const records = report.chains.reduce((n, chain) => n + chain.records, 0);
    return { calls, records, mb: Number((bytes / 2 ** 20).toFixed(1)), seconds: Number(seconds.toFixed(2)), records_per_s: Math.round(records / seconds), threads: report.files[0]?.threads, ok: report.ok };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  const at = argv.indexOf("--calls");
  const result = await runVerify({ quick: argv.includes("--quick"), ...(at >= 0 ? { calls: Number(argv[at + 1]) } : {}) });
  console.log(argv.includes("--json") ? JSON.stringify(result) : result);
}
