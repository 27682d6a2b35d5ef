// The durability soak: one million calls at a steady rate (bench/load.mjs, spool on, pinned to
// core 0) against a receiver (core 1) that answers every 5th export request with 503 and goes
// down twice for 30 s (killed, then a new one on the same port). Reports what arrived, what the
// run left in the spool, what was lost, and memory after forced full GCs per phase.
// Run: npm run build && node bench/soak.mjs [--calls N] [--rate N] [--outage SECONDS] [--json]
// Not part of `npm run bench` (about 9 minutes at the defaults).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { freePort, runLoad, startReceiver, stopAllChildren } from "./throughput.mjs";

const max = (xs) => (xs.length ? Math.max(...xs) : null);
const sleepUntil = (epochMs) => new Promise((r) => setTimeout(r, Math.max(0, epochMs - Date.now())));

export async function runSoak({ calls = 1_000_000, rate = 2000, outageS = 30, failEvery = 5 } = {}) {
  const seconds = Math.ceil(calls / rate);
  // The outages start a quarter and three fifths of the way in.
  const outages = [0.25, 0.6].map((at) => Math.round(seconds * at));
  const spoolDir = mkdtempSync(join(tmpdir(), "coat-bench-soak-"));
  const port = await freePort();
  const arrived = { spans: 0, logs: 0, failed_requests: 0 };
  const collect = async (receiver) => {
    const c = await receiver.counts();
    arrived.spans += c.spans;
    arrived.logs += c.logs;
    arrived.failed_requests += c.failed ?? 0;
  };
  let receiver = await startReceiver(port, { failEvery });
  const windows = [];
  try {
    const startAt = Date.now() + 2000;
    const load = runLoad({ traces: receiver.traces, logs: receiver.logs, rate, seconds, startAt, gcEvery: 5, spool: spoolDir });
    load.catch(() => {});
    for (const at of outages) {
      await sleepUntil(startAt + at * 1000);
      await collect(receiver);
      await receiver.stop("SIGKILL");
      const down = Date.now();
      await sleepUntil(startAt + (at + outageS) * 1000);
      receiver = await startReceiver(port, { failEvery });
      windows.push([down, Date.now()]);
    }
    const report = await load;
    await collect(receiver);
    const { spoolStatus } = await import("../dist/esm/index.js");
    const leftInSpool = (await spoolStatus(spoolDir)).reduce((n, f) => n + f.records, 0);
    const records = 3 * report.calls;
    const t0 = report.start_epoch_ms;
    const gcAt = (g) => t0 + g.t_s * 1000;
    const beforeFirst = report.post_gc.filter((g) => gcAt(g) < windows[0][0]);
    const inOutage = report.post_gc.filter((g) => windows.some(([a, b]) => gcAt(g) >= a && gcAt(g) < b));
    const lastMinute = report.post_gc.filter((g) => gcAt(g) >= t0 + (seconds - 60) * 1000);
    const heap = (xs) => max(xs.map((g) => g.heap_mb));
    const rss = (xs) => max(xs.map((g) => g.rss_mb));
    return {
      calls: report.calls,
      target_rate: rate,
      achieved_rate: report.achieved_rate,
      seconds,
      fail_every: failEvery,
      outages_s: outages.map((at) => [at, at + outageS]),
      records,
      arrived: arrived.spans + arrived.logs,
      left_in_spool: leftInSpool,
      // Arrivals are counted, not deduplicated: a request accepted but timed out arrives twice.
      lost: Math.max(0, records - arrived.spans - arrived.logs - leftInSpool),
      duplicates: Math.max(0, arrived.spans + arrived.logs + leftInSpool - records),
      failed_requests: arrived.failed_requests,
      retained_heap_max_mb: { before_first_outage: heap(beforeFirst), outages: heap(inOutage), last_minute: heap(lastMinute), run: heap(report.post_gc) },
      retained_rss_max_mb: { before_first_outage: rss(beforeFirst), outages: rss(inOutage), last_minute: rss(lastMinute), run: rss(report.post_gc) },
      cpu_us_per_call: report.cpu_us_per_call,
      flush_ms: report.flush_ms,
      diag: report.diag,
    };
  } finally {
    await receiver.stop();
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv;
  const num = (flag) => (argv.includes(flag) ? Number(argv[argv.indexOf(flag) + 1]) : undefined);
  process.on("SIGINT", () => stopAllChildren().then(() => process.exit(130)));
  try {
    const r = await runSoak({ calls: num("--calls"), rate: num("--rate"), outageS: num("--outage") });
    if (argv.includes("--json")) console.log(JSON.stringify(r));
    else {
      console.log(`${r.calls} calls at ${r.achieved_rate}/s (target ${r.target_rate}) over ${r.seconds} s; every ${r.fail_every}th request refused (${r.failed_requests} refused); receiver down ${r.outages_s.map(([a, b]) => `${a}–${b} s`).join(" and ")}`);
      console.log(`records: ${r.records}; arrived ${r.arrived}, left in the spool ${r.left_in_spool}, lost ${r.lost}, sent twice ${r.duplicates}`);
      const h = r.retained_heap_max_mb;
      const s = r.retained_rss_max_mb;
      console.log(`retained heap max (MB): before the first outage ${h.before_first_outage}, during outages ${h.outages}, last minute ${h.last_minute}, whole run ${h.run}`);
      console.log(`retained RSS max (MB): before the first outage ${s.before_first_outage}, during outages ${s.outages}, last minute ${s.last_minute}, whole run ${s.run}`);
      console.log(`CPU per call ${r.cpu_us_per_call} µs; final flush ${r.flush_ms} ms; diag: ${JSON.stringify(r.diag.samples)}`);
    }
  } catch (err) {
    console.error(err);
    process.exitCode = 1;
  } finally {
    await stopAllChildren();
  }
}
