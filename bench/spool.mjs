// The durable path's cost: the same steady load (bench/load.mjs, pinned to core 0) against a
// receiver that answers every 5th export request with 503, with the spool on and off, in
// alternating rounds. Reports CPU µs per call (export included) for each, their ratio of medians
// (`ratios.spool_on_vs_off`), and what arrived: with the spool every record, without it what the
// exporter's own retries saved.
// Run: npm run build && node bench/spool.mjs [--quick] [--json]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { runLoad, startReceiver, stopAllChildren } from "./throughput.mjs";

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

export async function runSpool({ quick = false, rate = 2000 } = {}) {
  const rounds = quick ? 1 : 3;
  const seconds = quick ? 5 : 10;
  const results = { on: [], off: [] };
  for (let round = 0; round < rounds; round++) {
    for (const mode of round % 2 === 0 ? ["on", "off"] : ["off", "on"]) {
      const receiver = await startReceiver(0, { failEvery: 5 });
      const dir = mkdtempSync(join(tmpdir(), "coat-bench-spool-"));
      try {
        const before = await receiver.counts();
        const r = await runLoad({ traces: receiver.traces, logs: receiver.logs, rate, seconds, spool: mode === "on" ? dir : "off" });
        const after = await receiver.counts();
        const { spoolStatus } = await import("../dist/esm/index.js");
        const left = mode === "on" ? (await spoolStatus(dir)).reduce((n, f) => n + f.records, 0) : 0;
        const arrived = after.spans + after.logs - before.spans - before.logs;
        results[mode].push({ cpu_us_per_call: r.cpu_us_per_call, achieved_rate: r.achieved_rate, calls: r.calls, records: 3 * r.calls, arrived, left_in_spool: left, lost: Math.max(0, 3 * r.calls - arrived - left), duplicates: Math.max(0, arrived + left - 3 * r.calls), failed_requests: after.failed ?? 0 });
      } finally {
        await receiver.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  const on = median(results.on.map((x) => x.cpu_us_per_call));
  const off = median(results.off.map((x) => x.cpu_us_per_call));
  return { rate, seconds, rounds, fail_every: 5, cpu_us_per_call: { on, off }, ratio: Number((on / off).toFixed(3)), runs: results };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const r = await runSpool({ quick: process.argv.includes("--quick") });
    if (process.argv.includes("--json")) console.log(JSON.stringify(r));
    else {
      console.log(`${r.rate} calls/s for ${r.seconds} s × ${r.rounds} rounds each, every 5th request answered 503`);
      for (const mode of ["on", "off"]) for (const x of r.runs[mode]) console.log(`  spool ${mode.padEnd(3)} ${x.cpu_us_per_call.toFixed(1)} µs CPU/call, ${x.arrived} of ${x.records} records arrived, ${x.left_in_spool} left in the spool, ${x.lost} lost, ${x.duplicates} sent twice (${x.failed_requests} requests refused)`);
      console.log(`ratios.spool_on_vs_off: ×${r.ratio}`);
    }
  } catch (err) {
    console.error(err);
    process.exitCode = 1;
  } finally {
    await stopAllChildren();
  }
}
