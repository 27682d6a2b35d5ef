// Cost of the secret scrubber (src/capture/secrets.ts): ns per typical short attribute string with
// no match and with a match, MB/s on long text, and ms for 1 MB adversarial strings.
// Interleaved rounds, medians of CPU time. Run: npm run build && node bench/scrub.mjs [--quick] [--json]
// False-positive survey instead: node bench/scrub.mjs --survey DIR... scrubs every line of the text
// files under the directories and prints how many lines changed, by marker, with samples.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createScrubber } from "../dist/esm/capture/secrets.js";

const scrubber = createScrubber();
if (process.argv.includes("--survey")) {
  survey(process.argv.slice(process.argv.indexOf("--survey") + 1));
  process.exit(0);
}
const quick = process.argv.includes("--quick");
const rounds = quick ? 5 : 15;

// What span and log attributes usually hold: names, kinds, ids, models, URLs, small JSON, short text.
const noMatch = [
  "LLM", "TOOL", "agent.llm.request", "support-agent", "getWeather", "gpt-4o-mini", "claude-sonnet-4-6",
  "application/json", "2025-11-18T10:12:03.456Z", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
  "0b6a1c7e-5d1f-4c7a-9b7e-2a1f0c9d8e7f", "llm.token_count.prompt", "https://api.example.com/v1/chat/completions",
  '{"city":"Lisbon","units":"metric"}', '["Lisbon",{"days":3}]', "The weather in Lisbon is 21°C and sunny.",
  "TypeError: Cannot read properties of undefined (reading 'city')", "user-1234", "v20.20.2",
];
const match = [
  "sk-proj-Ab3dEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKl",
  "Authorization: Bearer 8f2c1d9e0b7a6c5d4e3f2a1b0c9d8e7f",
  '{"username":"ana","password":"pa55-w0rd!"}',
  "postgres://app:s3cr3t@db.internal:5432/orders",
  "https://api.example.com/v1/items?api_key=k9f8e7d6c5&page=2",
  "paid with 4111 1111 1111 1111",
  "token ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
];

const paragraph =
  "The agent planned three steps: look up the order, check the refund policy and draft a reply. " +
  "It called the orders tool with the customer's id, read 12 line items and found the delayed parcel. " +
  "The refund policy allows a full refund within 30 days; the order is 9 days old, so the agent proposed it. " +
  'Tool output: {"order_id":"ORD-20251118-0042","status":"delayed","items":12,"total":"84.90 EUR"}. ' +
  "Token usage so far: 1,204 prompt tokens and 310 completion tokens; the session has 4 turns.\n";
const code =
  "export async function refund(orderId: string, amount: number): Promise<Receipt> {\n" +
  "  const apiKey = process.env.PAYMENTS_API_KEY;\n" +
  '  const res = await fetch(`https://payments.example.com/v2/refunds`, { method: "POST", body: JSON.stringify({ orderId, amount }) });\n' +
  "  if (!res.ok) throw new Error(`refund failed: ${res.status}`);\n  return res.json();\n}\n";
const MB = 1 << 20;
const fill = (unit) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
const longTexts = {
  "agent prose": fill(paragraph),
  "source code": fill(code),
  "JSON messages": fill(JSON.stringify({ role: "assistant", content: paragraph }) + ","),
  "prose, a secret every 4 KB": fill(paragraph.repeat(8).slice(0, 4000) + " api_key=k9f8e7d6c5b4a3 "),
};

const adversarial = {
  a: fill("a"), digits: fill("0123456789"), "sk-": fill("sk-"), "=": fill("="), '"': fill('"'), ":@": fill(":@"),
  base64: Array.from({ length: MB }, (_, i) => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[(i * 7919) % 64]).join(""),
  "eyJ.": fill("eyJ."), "4111 ": fill("4111 "), "key: ": fill("key: "), "password: ": fill("password: "),
  '"token": "': fill('"token": "'), "AccountKey=": fill("AccountKey="), "://": fill("://"), "-----BEGIN ": fill("-----BEGIN "),
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
let sink = 0;

// CPU time of this process, not wall time: the machines this runs on are shared, and another
// process's load would otherwise be counted as ours.
const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

function nsPerString(strings, calls) {
  const start = cpuMicros();
  for (let i = 0; i < calls; i++) sink += scrubber.scrub(strings[i % strings.length]).length;
  return ((cpuMicros() - start) * 1e3) / calls;
}

function msFor(text) {
  const start = cpuMicros();
  sink += scrubber.scrub(text).length;
  return (cpuMicros() - start) / 1e3;
}

const samples = { noMatch: [], match: [], ...Object.fromEntries(Object.keys(longTexts).map((k) => [k, []])) };
const perString = Object.fromEntries([...noMatch, ...match].map((s) => [s, []]));
for (let round = 0; round < rounds + 1; round++) {
  const keep = round > 0; // the first round warms the JIT up
  const a = nsPerString(noMatch, quick ? 100_000 : 400_000);
  const b = nsPerString(match, quick ? 20_000 : 80_000);
  if (keep) samples.noMatch.push(a), samples.match.push(b);
  for (const [name, text] of Object.entries(longTexts)) {
    const ms = msFor(text);
    if (keep) samples[name].push(text.length / 1e6 / (ms / 1e3));
  }
  if (keep && round <= 5) for (const s of Object.keys(perString)) perString[s].push(nsPerString([s], 20_000));
}
const adversarialMs = Object.fromEntries(Object.entries(adversarial).map(([name, text]) => [name, median([msFor(text), msFor(text), msFor(text)])]));

const result = {
  node: process.version,
  shortNoMatchNsPerString: Math.round(median(samples.noMatch)),
  shortMatchNsPerString: Math.round(median(samples.match)),
  longTextMBps: Object.fromEntries(Object.keys(longTexts).map((k) => [k, Math.round(median(samples[k]))])),
  perStringNs: Object.fromEntries(Object.entries(perString).map(([s, xs]) => [s, Math.round(median(xs))])),
  adversarial1MBms: Object.fromEntries(Object.entries(adversarialMs).map(([k, v]) => [k, Math.round(v * 10) / 10])),
};
if (process.argv.includes("--json")) {
  console.log(JSON.stringify(result, null, 2));
} else {
  console.log(`node ${result.node}, ${rounds} rounds, medians of CPU time`);
  console.log(`short strings, no match: ${result.shortNoMatchNsPerString} ns/string (mix of ${noMatch.length})`);
  console.log(`short strings, a match:  ${result.shortMatchNsPerString} ns/string (mix of ${match.length})`);
  for (const [k, v] of Object.entries(result.longTextMBps)) console.log(`1 MB ${k}: ${v} MB/s`);
  console.log("per string (ns):");
  for (const [k, v] of Object.entries(result.perStringNs)) console.log(`  ${String(v).padStart(6)}  ${JSON.stringify(k)}`);
  console.log("adversarial 1 MB (ms):");
  for (const [k, v] of Object.entries(result.adversarial1MBms)) console.log(`  ${String(v).padStart(7)}  ${JSON.stringify(k)}`);
}
if (sink === 0) console.log("");

function survey(roots) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(md|txt|rst|html|ts|js|mjs|cjs|py|json|ya?ml|cfg|ini|toml)$/.test(entry.name) && !entry.name.endsWith(".min.js")) files.push(path);
    }
  };
  roots.forEach(walk);
  let bytes = 0;
  let lines = 0;
  let changed = 0;
  const byMarker = {};
  const samples = [];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    bytes += text.length;
    for (const line of text.split("\n")) {
      lines++;
      const out = scrubber.scrub(line);
      if (out === line) continue;
      changed++;
      for (const marker of out.match(/\[REDACTED(?::[\w.-]+)?\]/g) ?? []) byMarker[marker] = (byMarker[marker] ?? 0) + 1;
      if (samples.length < 40) samples.push(`${line.trim().slice(0, 110)}\n      → ${out.trim().slice(0, 110)}`);
    }
  }
  console.log(`${files.length} files, ${(bytes / 1e6).toFixed(1)} MB, ${lines} lines: ${changed} lines changed (${((changed / lines) * 100).toFixed(3)}%)`);
  console.log(byMarker);
  for (const sample of samples) console.log(`  ${sample}`);
}
