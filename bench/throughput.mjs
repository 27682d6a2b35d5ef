// Highest sustained call rate with zero dropped records, OTLP http/protobuf to a real receiver
// process. The app (bench/load.mjs) is pinned to core 0, the receiver (bench/receiver.mjs) to
// core 1, so the application really has one core.
// Run: npm run build && node bench/throughput.mjs [--quick] [--json]
// Also exports the child-process helpers bench/memory.mjs uses.
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import * as net from "node:net";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const hasTaskset = spawnSync("taskset", ["-c", "0", "true"]).status === 0;
const children = new Set();

/** node `args`, pinned to `core` with taskset when available. The child pid is node itself (taskset execs). */
function spawnNode(args, core) {
  const [cmd, argv] = hasTaskset ? ["taskset", ["-c", String(core), process.execPath, ...args]] : [process.execPath, args];
  const child = spawn(cmd, argv, { stdio: ["pipe", "pipe", "pipe"] });
  children.add(child);
  child.exited = once(child, "exit").finally(() => children.delete(child));
  child.stderrText = "";
  child.stderr.on("data", (c) => (child.stderrText = (child.stderrText + c).slice(-4000)));
  return child;
}

/** SIGTERM (or `signal`), then SIGKILL if it has not exited within 2 s. */
export async function stopChild(child, signal = "SIGTERM") {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
  await child.exited;
  clearTimeout(timer);
}

export async function stopAllChildren() {
  await Promise.all([...children].map((c) => stopChild(c)));
}
process.on("exit", () => children.forEach((c) => c.kill("SIGKILL")));

async function firstLine(child, what, timeoutMs) {
  let buffered = "";
  const line = new Promise((resolve, reject) => {
    child.stdout.on("data", (c) => {
      buffered += c;
      const nl = buffered.indexOf("\n");
      if (nl >= 0) resolve(buffered.slice(0, nl));
    });
    child.exited.then(([code, signal]) => reject(new Error(`${what} exited (${code ?? signal}) before answering: ${child.stderrText.trim()}`)));
  });
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs)));
  try {
    return JSON.parse(await Promise.race([line, timeout]));
  } finally {
    clearTimeout(timer);
  }
}

/** A free loopback port (there is a small race until the receiver binds it; fine on a bench box). */
export async function freePort() {
  const server = net.createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/** Starts bench/receiver.mjs on core 1; port 0 picks a free one. */
export async function startReceiver(port = 0, { failEvery = 0 } = {}) {
  const child = spawnNode([here("./receiver.mjs"), "--port", String(port), "--fail-every", String(failEvery)], 1);
  const answer = await firstLine(child, "receiver", 10_000).catch(async (err) => {
    await stopChild(child);
    throw err;
  });
  const base = `http://127.0.0.1:${answer.port}`;
  return {
    child,
    port: answer.port,
    traces: `${base}/v1/traces`,
    logs: `${base}/v1/logs`,
    counts: async () => (await fetch(`${base}/counts`)).json(),
    stop: (signal) => stopChild(child, signal),
  };
}

/** Runs bench/load.mjs on core 0 to its end and returns its report. */
export async function runLoad({ traces, logs, rate, seconds, startAt, gcEvery, spool }) {
  const args = [...(gcEvery ? ["--expose-gc"] : []), here("./load.mjs"), "--traces", traces, "--logs", logs, "--rate", String(rate), "--seconds", String(seconds)];
  if (spool) args.push("--spool", spool);
  if (startAt) args.push("--start-at", String(startAt));
  if (gcEvery) args.push("--gc-every", String(gcEvery));
  const child = spawnNode(args, 0);
  child.stdin.end();
  let out = "";
  child.stdout.on("data", (c) => (out += c));
  // Generous: the final flush may wait out the exporters' retries.
  const timer = setTimeout(() => child.kill("SIGKILL"), (seconds + 90) * 1000 + Math.max(0, (startAt ?? 0) - Date.now()));
  const [code, signal] = await child.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`load.mjs exited (${code ?? signal}): ${child.stderrText.trim()}`);
  return JSON.parse(out);
}

const round50 = (x) => Math.max(50, Math.round(x / 50) * 50);

async function probe(receiver, rate, seconds) {
  const before = await receiver.counts();
  const r = await runLoad({ traces: receiver.traces, logs: receiver.logs, rate, seconds });
  const after = await receiver.counts();
  const spanDrops = r.calls - (after.spans - before.spans);
  const logDrops = 2 * r.calls - (after.logs - before.logs);
  return {
    rate,
    seconds,
    achieved_rate: r.achieved_rate,
    calls: r.calls,
    drops: spanDrops + logDrops,
    span_drops: spanDrops,
    log_drops: logDrops,
    cpu_us_per_call: r.cpu_us_per_call,
    rss_peak_mb: r.rss_peak_mb,
    diag_dropped_spans: r.diag.dropped_spans,
    diag_export_errors: r.diag.export_errors,
    ok: spanDrops === 0 && logDrops === 0 && r.achieved_rate >= 0.98 * rate,
  };
}

export async function runThroughput({ quick = false, startRate = 10_000, log = () => {} } = {}) {
  const probeSeconds = quick ? 2 : 5;
  const maxProbes = quick ? 3 : 10;
  const maxBisections = quick ? 1 : 2;
  const confirmSeconds = quick ? 5 : 30;
  const receiver = await startReceiver(0);
  try {
    const probes = [];
    let lo; // highest rate that passed
    let hi; // lowest rate above lo that failed
    let rate = startRate;
    let bisections = 0;
    while (probes.length < maxProbes) {
      const p = await probe(receiver, rate, probeSeconds);
      probes.push(p);
      log(p);
      if (p.ok) {
        if (!lo || p.rate > lo.rate) lo = p;
        if (hi && hi.rate <= lo.rate) hi = undefined;
      } else if (!lo || p.rate > lo.rate) {
        if (!hi || p.rate < hi.rate) hi = p;
      } else [lo, hi] = [undefined, p]; // failed at or below an earlier pass: that pass was luck
      // A probe that fell behind (achieved < 98 %) shows the app's capacity: search below that, not below its target.
      const ceiling = hi && Math.min(hi.rate, hi.achieved_rate >= 0.98 * hi.rate ? hi.rate : hi.achieved_rate);
      if (!lo) rate = round50(Math.min(hi.rate * 0.8, ceiling * 0.9));
      else if (!hi) rate = round50(lo.rate * 1.25);
      else if (bisections < maxBisections && ceiling / lo.rate > 1.06) {
        rate = round50((lo.rate + ceiling) / 2);
        bisections++;
      } else break;
    }

    const confirmations = [];
    let confirmed;
    for (let r = lo?.rate; r && confirmations.length < 3; r = round50(r * 0.9)) {
      const c = await probe(receiver, r, confirmSeconds);
      confirmations.push(c);
      log({ ...c, confirmation: true });
      if (c.ok) {
        confirmed = c;
        break;
      }
    }
    return {
      max_rate_zero_drops: confirmed?.rate ?? null,
      confirm_seconds: confirmSeconds,
      cpu_us_per_call: confirmed?.cpu_us_per_call ?? null,
      rss_peak_mb: confirmed?.rss_peak_mb ?? null,
      next_step_rate: hi?.rate ?? null,
      next_step_achieved_rate: hi?.achieved_rate ?? null,
      drops_at_next_step: hi?.drops ?? null,
      probes,
      confirmations,
      protocol: "http/protobuf",
      cores: hasTaskset ? "app pinned to 1 core" : "not pinned (taskset missing)",
    };
  } finally {
    await receiver.stop();
  }
}

function row(p) {
  const cells = [p.confirmation ? "confirm" : "probe", p.rate, p.seconds, p.achieved_rate, p.calls, p.span_drops, p.log_drops, p.cpu_us_per_call.toFixed(1), p.rss_peak_mb.toFixed(0), p.ok ? "ok" : "FAIL"];
  return cells.map((c, i) => String(c).padStart([7, 8, 4, 9, 8, 10, 10, 9, 6, 5][i])).join(" ");
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const json = process.argv.includes("--json");
  const quick = process.argv.includes("--quick");
  process.on("SIGINT", () => stopAllChildren().then(() => process.exit(130)));
  if (!json) console.log(["", "rate/s", "s", "achieved", "calls", "span drop", "log drop", "cpu µs", "RSS", ""].map((c, i) => c.padStart([7, 8, 4, 9, 8, 10, 10, 9, 6, 5][i])).join(" "));
  try {
    const result = await runThroughput({ quick, log: json ? undefined : (p) => console.log(row(p)) });
    if (json) console.log(JSON.stringify(result));
    else {
      console.log(`max rate with zero drops: ${result.max_rate_zero_drops ?? "none found"} calls/s (confirmed over ${result.confirm_seconds} s, ${result.protocol}, ${result.cores})`);
      console.log(`  CPU ${result.cpu_us_per_call} µs/call, RSS peak ${result.rss_peak_mb} MB; next step ${result.next_step_rate}/s achieved ${result.next_step_achieved_rate}/s, dropped ${result.drops_at_next_step} records`);
    }
  } catch (err) {
    console.error(err);
    process.exitCode = 1;
  } finally {
    await stopAllChildren();
  }
}
