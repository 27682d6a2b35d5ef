// Memory and per-call cost while the OTLP receiver is down: bench/load.mjs (pinned to core 0)
// calls at a steady rate; the receiver (core 1) is up, then killed (connection refused), then a
// new one listens on the same port. Per phase: per-call wall time, RSS, heapUsed, achieved rate.
// Run: npm run build && node bench/memory.mjs [--quick] [--json] [--rate N] [--outage SECONDS]
// The default rate, 1,000 calls/s, is about half of what one core sustains with export
// (bench/throughput.mjs), so "before" is not already saturated.
// load.mjs also forces a full GC every 2 s and samples memory right after (`retained_*`): the
// garbage collector's sawtooth would otherwise hide or fake growth over a short outage.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { freePort, runLoad, startReceiver, stopAllChildren } from "./throughput.mjs";

const median = (xs) => (xs.length ? [...xs].sort((a, b) => a - b)[xs.length >> 1] : null);
const max = (xs) => (xs.length ? Math.max(...xs) : null);
const sleepUntil = (epochMs) => new Promise((r) => setTimeout(r, Math.max(0, epochMs - Date.now())));

function phaseStats(seconds, gcSamples, rate) {
  const us = seconds.map((s) => s.median_us_per_call).filter((x) => x !== null);
  return {
    seconds: seconds.length,
    median_us_per_call: median(us),
    rss_median_mb: median(seconds.map((s) => s.rss_mb)),
    rss_max_mb: max(seconds.map((s) => s.rss_mb)),
    heap_used_max_mb: max(seconds.map((s) => s.heap_mb)),
    retained_rss_max_mb: max(gcSamples.map((s) => s.rss_mb)),
    retained_heap_max_mb: max(gcSamples.map((s) => s.heap_mb)),
    achieved_rate: seconds.length ? Math.round(seconds.reduce((n, s) => n + s.calls, 0) / seconds.length) : null,
    kept_up: seconds.reduce((n, s) => n + s.calls, 0) >= 0.98 * rate * seconds.length,
  };
}

export async function runMemory({ quick = false, rate = 1000, outage, spool = true } = {}) {
  const [upS, downS, afterS] = quick ? [4, 8, 4] : [15, outage ?? 60, 15];
  // With the spool (the register() default) records made during the outage wait on disk and are re-sent after it.
  const spoolDir = spool ? mkdtempSync(join(tmpdir(), "coat-bench-spool-")) : undefined;
  const port = await freePort();
  let receiver = await startReceiver(port);
  try {
    const startAt = Date.now() + 2000; // time for load.mjs to import and register() before its first call
    const load = runLoad({ traces: receiver.traces, logs: receiver.logs, rate, seconds: upS + downS + afterS, startAt, gcEvery: 2, spool: spoolDir ?? "off" });
    load.catch(() => {}); // awaited below; keeps an early failure from being unhandled meanwhile

    await sleepUntil(startAt + upS * 1000);
    const before = await receiver.counts();
    await receiver.stop("SIGKILL");
    const killedAt = Date.now();

    await sleepUntil(startAt + (upS + downS) * 1000);
    receiver = await startReceiver(port);
    const restartedAt = Date.now();

    const report = await load;
    const after = await receiver.counts();
    // What the run's shutdown left in the spool for the next run (not lost: on disk).
    const { spoolStatus } = await import("../dist/esm/index.js");
    const leftInSpool = spoolDir ? (await spoolStatus(spoolDir)).reduce((n, f) => n + f.records, 0) : 0;

    // Second i of the timeline covers [start + i s, start + i + 1 s); seconds straddling a switch belong to no phase.
    const t0 = report.start_epoch_ms;
    const inRange = (from, to) => report.timeline.filter((s) => t0 + s.second * 1000 >= from && t0 + (s.second + 1) * 1000 <= to);
    const beforeS = inRange(0, killedAt);
    const outageS = inRange(killedAt, restartedAt);
    const afterS_ = inRange(restartedAt, Infinity);
    const gcIn = (from, to) => report.post_gc.filter((g) => t0 + g.t_s * 1000 >= from && t0 + g.t_s * 1000 < to);
    const outageGc = gcIn(killedAt, restartedAt);

    // Bounded: the highest post-GC RSS of the outage's last third (the last 20 s of a 60 s outage)
    // is at most 10 % above the highest of its first third. The queues fill within a second or two
    // of the outage, so the first third already holds everything a bounded pipeline keeps.
    const third = Math.max(1, Math.floor(outageGc.length / 3));
    const rssFirst = max(outageGc.slice(0, third).map((s) => s.rss_mb));
    const rssLast = max(outageGc.slice(-third).map((s) => s.rss_mb));
    const phases = {
      before: phaseStats(beforeS, gcIn(0, killedAt), rate),
      outage: phaseStats(outageS, outageGc, rate),
      after: phaseStats(afterS_, gcIn(restartedAt, Infinity), rate),
    };
    const calls = report.calls;
    return {
      rate,
      spool: spool ? "on" : "off",
      phase_seconds: { before: upS, outage: downS, after: afterS },
      phases,
      rss_bounded: rssFirst !== null && rssLast <= rssFirst * 1.1,
      retained_rss_outage_first_third_mb: rssFirst,
      retained_rss_outage_last_third_mb: rssLast,
      overhead_growth: phases.before.median_us_per_call ? Number((phases.outage.median_us_per_call / phases.before.median_us_per_call).toFixed(2)) : null,
      calls,
      achieved_rate: report.achieved_rate,
      received_before_outage: { spans: before.spans, logs: before.logs, checkpoints: before.checkpoints },
      received_after_recovery: { spans: after.spans, logs: after.logs, checkpoints: after.checkpoints },
      export_resumed: after.spans > 0 && after.logs > 0,
      records_left_in_spool: leftInSpool,
      records_lost: 3 * calls - (before.spans + before.logs + after.spans + after.logs) - leftInSpool,
      rss_final_mb: report.rss_final_mb,
      flush_ms: report.flush_ms,
      diag: report.diag,
      post_gc: report.post_gc,
      timeline: report.timeline.map((s) => ({ ...s, phase: beforeS.includes(s) ? "before" : outageS.includes(s) ? "outage" : afterS_.includes(s) ? "after" : "switch" })),
    };
  } finally {
    await receiver.stop();
    if (spoolDir) rmSync(spoolDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv;
  const rateAt = argv.indexOf("--rate");
  process.on("SIGINT", () => stopAllChildren().then(() => process.exit(130)));
  try {
    const outageAt = argv.indexOf("--outage");
    const r = await runMemory({ quick: argv.includes("--quick"), spool: !argv.includes("--no-spool"), rate: rateAt > 0 ? Number(argv[rateAt + 1]) : undefined, outage: outageAt > 0 ? Number(argv[outageAt + 1]) : undefined });
    if (argv.includes("--json")) console.log(JSON.stringify(r));
    else {
      const cols = ["phase", "s", "µs/call", "RSS med", "RSS max", "heap max", "ret. RSS", "ret. heap", "calls/s", "kept up"];
      const w = [8, 4, 9, 9, 9, 9, 9, 10, 9, 8];
      const line = (cells) => console.log(cells.map((c, i) => String(c ?? "-").padStart(w[i])).join(" "));
      console.log(`${r.rate} calls/s; receiver up ${r.phase_seconds.before} s, down ${r.phase_seconds.outage} s, up again ${r.phase_seconds.after} s (MB; ret. = max after a forced full GC)`);
      line(cols);
      for (const [name, p] of Object.entries(r.phases)) line([name, p.seconds, p.median_us_per_call, p.rss_median_mb, p.rss_max_mb, p.heap_used_max_mb, p.retained_rss_max_mb, p.retained_heap_max_mb, p.achieved_rate, p.kept_up ? "yes" : "NO"]);
      console.log(`rss_bounded: ${r.rss_bounded} (retained RSS in the outage: first third ${r.retained_rss_outage_first_third_mb} MB, last third ${r.retained_rss_outage_last_third_mb} MB)`);
      console.log(`overhead_growth (outage / before µs per call): ×${r.overhead_growth}`);
      const a = r.received_after_recovery;
      console.log(`after recovery the receiver got ${a.spans} spans, ${a.logs} log records, ${a.checkpoints} checkpoints; export_resumed: ${r.export_resumed}`);
      console.log(`records lost overall: ${r.records_lost} of ${3 * r.calls} (${r.records_left_in_spool} left in the spool for the next run); diag: ${r.diag.dropped_spans} spans reported dropped, ${r.diag.export_errors} export errors`);
    }
  } catch (err) {
    console.error(err);
    process.exitCode = 1;
  } finally {
    await stopAllChildren();
  }
}
