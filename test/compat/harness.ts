/**
 * The compatibility suite's machinery (test/compat/README.md): Node binaries from npm, the packed
 * tarball, one scratch app per (Node, line) installed as a user would, the scenario runs against
 * an in-process OTLP receiver, the checks on what crossed the wire, and the final table.
 *
 * Nothing here knows agent-coat's own dependency list: the app gets the tarball and the pinned
 * packages of cells.json, and npm resolves the rest.
 */
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import { startOtlpReceiver, type OtlpReceiver } from "../support/otlp-receiver.js";
import { CACHE } from "./cache.js";
import { acceptedAsJsonLines } from "../seal/support/wire.js";

export { CACHE };
export const ROOT = resolve(import.meta.dirname, "../..");
export const COMPAT_DIR = resolve(import.meta.dirname);
export const NPM_CACHE = join(CACHE, "npm");
/** The secret every scenario hands to its calls (scenarios/common.mjs); it must never reach the wire. */
export const SECRET = "sk-live-1234567890abcdefghij";
/** Every redaction marker starts so: `[REDACTED]` (by key) and `[REDACTED:<kind>]` (by value). */
export const REDACTION_MARK = "[REDACTED";

const INSTALL_TIMEOUT_MS = 15 * 60_000;
const RUN_TIMEOUT_MS = 2 * 60_000;

// ---------------------------------------------------------------------------------------------
// cells.json

export interface NodeEntry {
  version: string;
  /** Use the Node running the suite when its major matches (CI: the system Node 20). */
  system?: boolean;
  /** A cell that fails to install (or whose Node cannot be fetched) is skipped, not failed. */
  optional?: boolean;
}

export interface LineEntry {
  nodes: string[];
  packages: Record<string, Record<string, string>>;
  modules: Record<string, string>;
}

export interface ExtraEntry {
  line: string;
  nodes: string[];
  styles: string[];
  packages: Record<string, string>;
}

export interface Cells {
  node: Record<string, NodeEntry>;
  tools: Record<string, string>;
  lines: Record<string, LineEntry>;
  styles: string[];
  extras: Record<string, ExtraEntry>;
}

export function loadCells(): Cells {
  return JSON.parse(readFileSync(join(COMPAT_DIR, "cells.json"), "utf8")) as Cells;
}

/** One scratch app: one `npm install` for one Node and one line, shared by its styles. */
export interface AppPlan {
  id: string;
  node: string;
  nodeEntry: NodeEntry;
  line: string;
  modules: Record<string, string>;
  packages: Record<string, string>;
  styles: string[];
  /** Type-check the user TypeScript app here (once per line). */
  typecheck: boolean;
  extra?: string;
}

export function planApps(cells: Cells, filter?: string): AppPlan[] {
  const apps: AppPlan[] = [];
  for (const [line, entry] of Object.entries(cells.lines)) {
    entry.nodes.forEach((node, i) => {
      const packages = Object.assign({}, ...Object.values(entry.packages)) as Record<string, string>;
      if (i === 0) Object.assign(packages, cells.tools);
      apps.push({ id: `node${node}-${line}`, node, nodeEntry: nodeEntry(cells, node), line, modules: entry.modules, packages, styles: cells.styles, typecheck: i === 0 });
    });
  }
  for (const [name, extra] of Object.entries(cells.extras)) {
    for (const node of extra.nodes) {
      apps.push({ id: `node${node}-${extra.line}-${name}`, node, nodeEntry: nodeEntry(cells, node), line: extra.line, modules: cells.lines[extra.line]!.modules, packages: extra.packages, styles: extra.styles, typecheck: false, extra: name });
    }
  }
  if (!filter) return apps;
  const re = new RegExp(filter);
  return apps.filter((a) => re.test(a.id));
}

function nodeEntry(cells: Cells, node: string): NodeEntry {
  const entry = cells.node[node];
  if (!entry) throw new Error(`cells.json: no "node" entry for ${node}`);
  return entry;
}

// ---------------------------------------------------------------------------------------------
// Processes

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
  error?: string;
}

/** A user's shell, not ours: no npm_* of an enclosing `npm run`, no OTEL_ or ENVPOD_ variables of the CI job, no vitest markers. */
export function cleanEnv(nodeBinDir: string | undefined, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|OTEL_|ENVPOD_|VITEST|PHOENIX_)/i.test(k)) continue;
    if (["NODE", "NODE_OPTIONS", "NODE_ENV", "INIT_CWD", "TEST"].includes(k)) continue;
    env[k] = v;
  }
  if (nodeBinDir) env.PATH = `${nodeBinDir}${delimiter}${process.env.PATH ?? ""}`;
  return { ...env, ...extra };
}

export function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, opts.timeoutMs);
    const finish = (code: number | null, signal: NodeJS.Signals | null, error?: string) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr, ms: Date.now() - started, timedOut, ...(error === undefined ? {} : { error }) });
    };
    child.on("error", (err) => finish(null, null, String(err)));
    child.on("close", (code, signal) => finish(code, signal));
  });
}

/** At most `n` jobs at a time, in the order they were queued. */
export class Limiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  constructor(private readonly n: number) {}
  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.active >= this.n) await new Promise<void>((r) => this.queue.push(r));
    this.active++;
    try {
      return await job();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

function tail(text: string, lines = 25): string {
  // npm's own pointers to its log files, and its blank "npm error" lines, say nothing here.
  const all = text.trimEnd().split("\n").filter((l) => !/^npm error\s*$|complete log of this run|For a full report see|_logs\/.*\.(log|txt)$/.test(l.trim()));
  return all.slice(-lines).join("\n");
}

function failure(what: string, r: RunResult): string {
  const how = r.timedOut ? `timed out after ${Math.round(r.ms / 1000)} s` : r.error ?? (r.signal ? `killed by ${r.signal}` : `exit ${r.code}`);
  const out = tail(r.stderr || r.stdout);
  return `${what}: ${how}${out ? `\n${indent(out)}` : ""}`;
}

function indent(text: string): string {
  return text.split("\n").map((l) => `    ${l}`).join("\n");
}

const memo = new Map<string, Promise<unknown>>();
function once<T>(key: string, make: () => Promise<T>): Promise<T> {
  let p = memo.get(key) as Promise<T> | undefined;
  if (!p) {
    p = make();
    memo.set(key, p);
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// Node binaries: the npm package node-<platform>-<arch>@<version>, cached under CACHE/node/<version>

export interface NodeBinary {
  /** The folder holding `node`, to put first on PATH. */
  binDir: string;
  node: string;
  version: string;
  fromSystem: boolean;
}

export function nodeBinary(entry: NodeEntry): Promise<NodeBinary> {
  const systemMajor = process.versions.node.split(".")[0];
  if (entry.system && entry.version.split(".")[0] === systemMajor) {
    return Promise.resolve({ binDir: dirname(process.execPath), node: process.execPath, version: process.versions.node, fromSystem: true });
  }
  return once(`node:${entry.version}`, () => fetchNode(entry.version));
}

async function fetchNode(version: string): Promise<NodeBinary> {
  const pkg = `node-${process.platform}-${process.arch}`;
  const dir = join(CACHE, "node", version);
  const binDir = join(dir, "node_modules", pkg, "bin");
  const node = join(binDir, "node");
  const probe = async () => existsSync(node) && (await run(node, ["--version"], { cwd: dir, env: cleanEnv(undefined), timeoutMs: 30_000 })).stdout.trim() === `v${version}`;
  if (await probe()) return { binDir, node, version, fromSystem: false };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "compat-node", private: true }));
  const r = await run("npm", ["install", "--no-audit", "--no-fund", "--save-exact", "--prefer-offline", "--cache", NPM_CACHE, `${pkg}@${version}`], { cwd: dir, env: cleanEnv(undefined), timeoutMs: INSTALL_TIMEOUT_MS });
  if (r.code !== 0) throw new Error(failure(`npm install ${pkg}@${version}`, r));
  if (!(await probe())) throw new Error(`${pkg}@${version} installed, but ${node} --version does not print v${version}`);
  return { binDir, node, version, fromSystem: false };
}

// ---------------------------------------------------------------------------------------------
// The tarball, packed once per run (npm pack runs `prepare`, which builds dist/)

export function packTarball(): Promise<string> {
  return once("pack", async () => {
    // A given tarball (a release candidate, a published one) instead of packing the worktree.
    const given = process.env.AGENT_COAT_COMPAT_TARBALL;
    if (given) return resolve(given);
    // Under the cache, replaced each run: the apps' package.json files point at it.
    const dest = join(CACHE, "pack");
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(dest, { recursive: true });
    const r = await run("npm", ["pack", "--json", "--pack-destination", dest], { cwd: ROOT, env: cleanEnv(undefined), timeoutMs: 5 * 60_000 });
    if (r.code !== 0) throw new Error(failure("npm pack", r));
    const json = r.stdout.slice(r.stdout.indexOf("\n[") + 1 || r.stdout.indexOf("["));
    const packed = JSON.parse(json) as { filename: string }[];
    return join(dest, packed[0]!.filename);
  });
}

// ---------------------------------------------------------------------------------------------
// Installing an app

export interface Copy {
  path: string;
  version: string;
}

export interface InstallResult {
  ok: boolean;
  dir: string;
  node?: NodeBinary;
  seconds: number;
  /** The install's (or the Node download's) failure, with npm's own error text. */
  error?: string;
  /** The Node binary could not be had at all (for an optional Node: a skip). */
  nodeUnavailable?: boolean;
  lsExit?: number | null;
  lsProblems?: string[];
  copies?: Record<string, Copy[]>;
  warnings?: string[];
}

export const COUNTED = ["@opentelemetry/api", "@opentelemetry/api-logs"];

export async function installApp(app: AppPlan): Promise<InstallResult> {
  const dir = join(CACHE, "apps", app.id);
  let node: NodeBinary;
  try {
    node = await nodeBinary(app.nodeEntry);
  } catch (error) {
    return { ok: false, dir, seconds: 0, error: `Node ${app.nodeEntry.version}: ${String((error as Error).message ?? error)}`, nodeUnavailable: true };
  }
  const tarball = await packTarball();
  // The install's own time: npm install and npm ls, not the Node download or the pack.
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "compat-app", version: "0.0.0", private: true, type: "module" }, null, 2)}\n`);
  for (const f of readdirSync(join(COMPAT_DIR, "scenarios"))) copyFileSync(join(COMPAT_DIR, "scenarios", f), join(dir, f));
  const specs = Object.entries(app.packages).map(([name, version]) => `${name}@${version}`);
  const env = cleanEnv(node.binDir);
  const r = await run("npm", ["install", "--no-audit", "--no-fund", "--save-exact", "--prefer-offline", "--cache", NPM_CACHE, tarball, ...specs], { cwd: dir, env, timeoutMs: INSTALL_TIMEOUT_MS });
  writeFileSync(join(dir, "npm-install.log"), `${r.stdout}\n${r.stderr}`);
  const warnings = npmWarnings(r.stderr);
  if (r.code !== 0) return { ok: false, dir, node, seconds: seconds(), error: failure(`npm install (node ${node.version})`, r), warnings };
  const ls = await run("npm", ["ls", "--all", "--cache", NPM_CACHE], { cwd: dir, env, timeoutMs: 120_000 });
  return { ok: true, dir, node, seconds: seconds(), lsExit: ls.code, lsProblems: lsProblems(ls), copies: copiesOf(join(dir, "node_modules"), COUNTED), warnings };
}

/** npm's warnings, one line per warning (a multi-line EBADENGINE block becomes one), without the install-scripts notice. */
function npmWarnings(stderr: string): string[] {
  const out: string[] = [];
  let code = "";
  for (const line of stderr.split("\n")) {
    const m = /^npm warn (\S+)\s*(.*)$/i.exec(line);
    if (!m) {
      code = "";
      continue;
    }
    if (/install-scripts|allowScripts/.test(line)) continue;
    const same = m[1] === code && /^(\s|[}\]])/.test(line.slice(`npm warn ${code}`.length + 1));
    if (same && out.length > 0) out[out.length - 1] += ` ${m[2]!.trim()}`;
    else out.push(`${m[1]} ${m[2]!.trim()}`);
    code = m[1]!;
  }
  const short = (w: string) => {
    const engine = /^EBADENGINE .*package: '([^']+)', required: \{ node: '([^']+)'/.exec(w);
    return engine ? `EBADENGINE ${engine[1]} requires node ${engine[2]}` : w;
  };
  return [...new Set(out.map((w) => short(w.replace(/\s+/g, " ").trim())))];
}

/** `npm ls` problems, short: npm's own summary lines ("invalid: pkg@v path"), then the unmet ranges and who asks for them. */
function lsProblems(ls: RunResult): string[] {
  const summary = ls.stderr.split("\n").filter((l) => /^npm error (invalid|missing|extraneous|peer)/i.test(l)).map((l) => l.replace(/^npm error /, "").replace(`${CACHE}/apps/`, ""));
  const wanted = new Set<string>();
  for (const line of ls.stdout.split("\n")) {
    const m = /(\S+@\S+) (?:deduped )?(invalid|UNMET[^:]*):? (.*)$/.exec(line);
    if (!m) continue;
    for (const part of m[3]!.split(/, (?=")/)) wanted.add(`${m[1]} ${part.replace(/node_modules\//g, "")}`);
  }
  const reasons = [...wanted];
  return [...new Set(summary), ...reasons.slice(0, 3), ...(reasons.length > 3 ? [`+${reasons.length - 3} more unmet ranges`] : [])];
}

/** Every installed copy of the named packages, found by walking node_modules (nested ones too). */
export function copiesOf(nodeModules: string, names: string[]): Record<string, Copy[]> {
  const out: Record<string, Copy[]> = Object.fromEntries(names.map((n) => [n, []]));
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
      const full = join(dir, entry.name);
      if (entry.name.startsWith("@")) {
        for (const sub of readdirSync(full, { withFileTypes: true })) if (sub.isDirectory()) visit(join(full, sub.name));
      } else visit(full);
    }
  };
  const visit = (pkgDir: string) => {
    try {
      const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name && pkg.name in out) out[pkg.name]!.push({ path: pkgDir.slice(nodeModules.length + 1), version: pkg.version ?? "?" });
    } catch {
      // not a package
    }
    walk(join(pkgDir, "node_modules"));
  };
  walk(nodeModules);
  return out;
}

export function describeCopies(copies: Copy[] | undefined): string {
  if (!copies) return "-";
  if (copies.length === 0) return "0";
  const versions = [...count(copies, (c) => c.version)].sort((a, b) => b[1] - a[1]);
  return `${copies.length} (${versions.map(([v, n]) => (n > 1 ? `${n}×${v}` : v)).join(", ")})`;
}

// ---------------------------------------------------------------------------------------------
// Scenario runs and the checks on the wire

interface Call {
  name: string;
  op: string;
  ok: boolean;
}

interface ScenarioReport {
  style: string;
  line: string;
  node: string;
  calls: Call[];
  userSpans?: { name: string; attribute: string }[];
  userLogs?: { scope: string }[];
  foreignSpans?: { name: string; count: number }[];
  /** The OpenInference kind each named foreign span must arrive with (ai-sdk-otel: translated GenAI spans). */
  foreignKinds?: Record<string, string>;
  /** The style's coat() log records have no logger provider to go to (phoenix-processors). */
  expectLogs?: boolean;
  /** Records of another library go past agent-coat's processors by design (phoenix-beside). */
  foreignUnscrubbed?: boolean;
  userExporters?: boolean;
  global?: boolean;
  /** Resource attributes every record must carry (resource detection from OTEL_RESOURCE_ATTRIBUTES). */
  resource?: Record<string, string>;
}

export interface CellResult {
  id: string;
  app: string;
  style: string;
  status: "pass" | "fail" | "skip";
  installS?: number;
  runS?: number;
  spans?: string;
  logs?: string;
  api?: string;
  apiLogs?: string;
  /** `npm ls --all` of the app: "ok" (exit 0) or "exit N". */
  ls?: string;
  problems: string[];
  notes: string[];
}

function count<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return m;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? String(x) : x)) ?? "";
}

interface Expected {
  spans: Map<string, number>;
  logs: Map<string, number>;
  spanTotal: number;
  logTotal: number;
}

function expectedOf(report: ScenarioReport): Expected {
  const spans = new Map<string, number>();
  const logs = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, n = 1) => m.set(k, (m.get(k) ?? 0) + n);
  for (const c of report.calls) {
    add(spans, c.name);
    if (report.expectLogs !== false) {
      add(logs, `agent.${c.op}.request`);
      add(logs, `agent.${c.op}.${c.ok ? "response" : "error"}`);
    }
  }
  for (const s of report.userSpans ?? []) add(spans, s.name);
  for (const f of report.foreignSpans ?? []) add(spans, f.name, f.count);
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  return { spans, logs, spanTotal: sum(spans), logTotal: sum(logs) + (report.userLogs?.length ?? 0) };
}

/** What one receiver got, against what the scenario says it did. */
function checkReceiver(where: string, receiver: OtlpReceiver, report: ScenarioReport, expected: Expected, problems: string[], notes: string[]): void {
  for (const [key, value] of Object.entries(report.resource ?? {})) {
    const wrong = [...receiver.spans, ...receiver.logs].filter((r) => r.resource[key] !== value).length;
    if (wrong > 0) problems.push(`${where}: ${wrong} record(s) without resource ${key}=${value}`);
  }
  const spanNames = count(receiver.spans, (s) => s.name);
  for (const [name, n] of expected.spans) {
    const got = spanNames.get(name) ?? 0;
    if (got !== n) problems.push(`${where}: span "${name}": ${got} arrived, ${n} expected`);
  }
  for (const [name, got] of spanNames) if (!expected.spans.has(name)) problems.push(`${where}: unexpected span "${name}" x${got}`);

  const coatLogs = receiver.logs.filter((l) => l.eventName.startsWith("agent."));
  const logNames = count(coatLogs, (l) => l.eventName);
  for (const [name, n] of expected.logs) {
    const got = logNames.get(name) ?? 0;
    if (got !== n) problems.push(`${where}: log record "${name}": ${got} arrived, ${n} expected`);
  }
  for (const [name, got] of logNames) if (!expected.logs.has(name)) problems.push(`${where}: unexpected log record "${name}" x${got}`);
  // Each coat log record belongs to the span of its call.
  const callSpanIds = new Set(receiver.spans.filter((s) => report.calls.some((c) => c.name === s.name)).map((s) => s.spanId));
  const orphans = coatLogs.filter((l) => !callSpanIds.has(l.spanId)).length;
  if (orphans > 0 && callSpanIds.size > 0) problems.push(`${where}: ${orphans} coat log record(s) carry no span id of a call's span`);

  for (const us of report.userSpans ?? []) {
    const span = receiver.spans.find((s) => s.name === us.name);
    if (!span) continue; // counted above
    const value = str(span.attributes[us.attribute]);
    if (!value.includes(REDACTION_MARK)) problems.push(`${where}: user span "${us.name}" attribute ${us.attribute} not scrubbed: ${JSON.stringify(value)}`);
  }
  for (const ul of report.userLogs ?? []) {
    const mine = receiver.logs.filter((l) => l.scope.name === ul.scope);
    if (mine.length !== 1) {
      problems.push(`${where}: user log record (scope "${ul.scope}"): ${mine.length} arrived, 1 expected`);
      continue;
    }
    const body = str(mine[0]!.body);
    if (!body.includes(REDACTION_MARK)) problems.push(`${where}: user log record body not scrubbed: ${JSON.stringify(body)}`);
  }
  const others = receiver.logs.length - coatLogs.length - (report.userLogs ?? []).reduce((n, ul) => n + receiver.logs.filter((l) => l.scope.name === ul.scope).length, 0);
  if (others > 0) problems.push(`${where}: ${others} unexpected log record(s)`);

  for (const [name, kind] of Object.entries(report.foreignKinds ?? {})) {
    const wrong = receiver.spans.filter((s) => s.name === name && s.attributes["openinference.span.kind"] !== kind).length;
    if (wrong > 0) problems.push(`${where}: ${wrong} span(s) "${name}" not of kind ${kind}`);
  }
  const leaked = receiver.allWireText().includes(SECRET);
  if (leaked && !report.foreignUnscrubbed) problems.push(`${where}: the secret crossed the wire`);
  if (leaked && report.foreignUnscrubbed) notes.push(`${where}: the secret crossed the wire (in records made past agent-coat's processors)`);
  if (receiver.errors.length > 0) notes.push(`${where}: receiver errors: ${[...new Set(receiver.errors)].join(" | ")}`);
}

export async function runStyle(app: AppPlan, install: InstallResult, style: string): Promise<{ problems: string[]; notes: string[]; runS: number; spans: string; logs: string }> {
  const node = install.node!;
  const receiver = await startOtlpReceiver();
  const userReceiver = await startOtlpReceiver();
  const problems: string[] = [];
  const notes: string[] = [];
  const started = Date.now();
  let spans = "-";
  let logs = "-";
  try {
    const env = cleanEnv(node.binDir, {
      COMPAT_LINE: app.line,
      COMPAT_MODULES: JSON.stringify(app.modules),
      COMPAT_ENDPOINT: receiver.httpUrl,
      COMPAT_USER_ENDPOINT: userReceiver.httpUrl,
      PHOENIX_DISCOVER_CONFIG: "false",
    });
    const r = await run(node.node, [`${style}.mjs`], { cwd: install.dir, env, timeoutMs: RUN_TIMEOUT_MS });
    writeFileSync(join(install.dir, `${style}.stdout`), r.stdout);
    writeFileSync(join(install.dir, `${style}.stderr`), r.stderr);
    const line = r.stdout.split("\n").reverse().find((l) => l.startsWith("{"));
    if (r.code !== 0 || line === undefined) {
      problems.push(failure(`node ${style}.mjs`, r));
      return { problems, notes, runS: (Date.now() - started) / 1000, spans, logs };
    }
    const report = JSON.parse(line) as ScenarioReport;
    const stderrLines = r.stderr.trim() ? r.stderr.trim().split("\n") : [];
    if (stderrLines.length > 0) notes.push(`stderr: ${stderrLines.slice(0, 3).join(" / ").slice(0, 400)}${stderrLines.length > 3 ? ` (+${stderrLines.length - 3} lines)` : ""}`);
    if (report.global !== undefined) notes.push(`register().global = ${report.global}`);

    const expected = expectedOf(report);
    spans = `${receiver.spans.length}/${expected.spanTotal}`;
    logs = `${receiver.logs.length}/${expected.logTotal}`;
    if (receiver.checkpoints.spans.length + receiver.checkpoints.logs.length > 0) notes.push(`checkpoints: ${receiver.checkpoints.spans.length} spans, ${receiver.checkpoints.logs.length} log records (not counted)`);
    checkReceiver("receiver", receiver, report, expected, problems, notes);
    if (report.userExporters) checkReceiver("user's exporters", userReceiver, { ...report, foreignUnscrubbed: false }, expectedOf(report), problems, notes);

    // The tarball's own `coat verify` on the wire, written as OTLP JSON lines (the Collector file exporter's format).
    const wire = join(install.dir, `${style}.wire.jsonl`);
    writeFileSync(wire, `${acceptedAsJsonLines(receiver.requests)}\n`);
    const coatBin = join(install.dir, "node_modules", ".bin", "coat");
    const v = await run(coatBin, ["verify", ...(report.foreignUnscrubbed ? ["--allow-unsealed"] : []), wire], { cwd: install.dir, env, timeoutMs: RUN_TIMEOUT_MS });
    const verdict = v.stdout.trim().split("\n").pop() ?? "";
    const chains = Number(/^ok: (\d+) chain/.exec(verdict)?.[1] ?? 0);
    const wantChains = expected.logTotal > 0 ? 2 : 1;
    if (v.code !== 0 || !verdict.startsWith("ok")) problems.push(`coat verify: exit ${v.code}: ${tail(v.stdout || v.stderr, 8).replaceAll("\n", " / ")}`);
    else if (chains < wantChains) problems.push(`coat verify: ${verdict} (at least ${wantChains} chains expected: spans${wantChains > 1 ? " and logs" : ""})`);
    else notes.push(`coat verify: ${verdict}`);
    if (r.ms + v.ms > 15_000) notes.push(`slow: scenario ${(r.ms / 1000).toFixed(1)} s, coat verify ${(v.ms / 1000).toFixed(1)} s`);
  } catch (error) {
    problems.push(`harness: ${String((error as Error).stack ?? error)}`);
  } finally {
    await receiver.close();
    await userReceiver.close();
  }
  return { problems, notes, runS: (Date.now() - started) / 1000, spans, logs };
}

// ---------------------------------------------------------------------------------------------
// Type-checking the user TypeScript app (once per line)

export async function typecheck(app: AppPlan, install: InstallResult): Promise<{ problems: string[]; runS: number }> {
  const started = Date.now();
  const fill = (text: string) => text.replace(/\{\{(\w+)\}\}/g, (_m, key: string) => app.modules[key] ?? `{{${key}}}`);
  writeFileSync(join(install.dir, "app.ts"), fill(readFileSync(join(COMPAT_DIR, "typecheck", "app.ts.tmpl"), "utf8")));
  writeFileSync(join(install.dir, "tsconfig.json"), readFileSync(join(COMPAT_DIR, "typecheck", "tsconfig.json.tmpl"), "utf8"));
  const node = install.node!;
  const r = await run(node.node, [join(install.dir, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], { cwd: install.dir, env: cleanEnv(node.binDir), timeoutMs: RUN_TIMEOUT_MS });
  const problems = r.code === 0 ? [] : [failure("tsc --noEmit", r)];
  return { problems, runS: (Date.now() - started) / 1000 };
}

// ---------------------------------------------------------------------------------------------
// One app: install, then each style (and the type check) in turn

export interface AppResult {
  install: InstallResult;
  cells: CellResult[];
}

export function cellIds(app: AppPlan): { id: string; style: string }[] {
  const ids = app.styles.map((style) => ({ id: `${app.id} ${style}`, style }));
  if (app.typecheck) ids.push({ id: `${app.id} typecheck`, style: "typecheck" });
  return ids;
}

export async function runApp(app: AppPlan): Promise<AppResult> {
  let install: InstallResult;
  try {
    install = await installApp(app);
  } catch (error) {
    install = { ok: false, dir: "", seconds: 0, error: `harness: ${String((error as Error).stack ?? error)}` };
  }
  const base = (id: string, style: string): CellResult => ({
    id,
    app: app.id,
    style,
    status: "pass",
    installS: install.seconds,
    api: describeCopies(install.copies?.["@opentelemetry/api"]),
    apiLogs: describeCopies(install.copies?.["@opentelemetry/api-logs"]),
    ...(install.ok ? { ls: install.lsExit === 0 ? "ok" : `exit ${install.lsExit}` } : {}),
    problems: [],
    notes: [],
  });
  const cells: CellResult[] = [];
  for (const { id, style } of cellIds(app)) {
    const cell = base(id, style);
    cells.push(cell);
    if (!install.ok) {
      const skip = app.nodeEntry.optional === true;
      cell.status = skip ? "skip" : "fail";
      // npm's error in full once per app; its other cells point there.
      const first = cells[0]!;
      const why = first === cell ? install.error : `as ${first.id}`;
      cell.problems.push(`install failed${skip ? ` (Node ${app.node} is optional: skipped)` : ""}: ${why}`);
      continue;
    }
    if (cells.length === 1) {
      // The app's own notes (npm ls, npm's warnings) once, under its first cell.
      if (install.lsExit !== 0) cell.notes.push(`npm ls --all: exit ${install.lsExit}${install.lsProblems?.length ? `: ${install.lsProblems.join(" / ")}` : ""}`);
      if (install.warnings?.length) cell.notes.push(`npm warnings: ${install.warnings.slice(0, 6).join(" / ")}${install.warnings.length > 6 ? ` (+${install.warnings.length - 6})` : ""}`);
    }
    if (style === "typecheck") {
      const t = await typecheck(app, install);
      cell.runS = t.runS;
      cell.problems.push(...t.problems);
    } else {
      const r = await runStyle(app, install, style);
      Object.assign(cell, { runS: r.runS, spans: r.spans, logs: r.logs });
      cell.problems.push(...r.problems);
      cell.notes.push(...r.notes);
    }
    if (cell.problems.length > 0) cell.status = "fail";
  }
  return { install, cells };
}

// ---------------------------------------------------------------------------------------------
// The table

export function renderTable(results: CellResult[], totalS: number): string {
  const header = ["cell", "install s", "run s", "spans", "logs", "api copies", "api-logs copies", "npm ls", "result"];
  const rows = results.map((r) => [
    r.id,
    r.installS === undefined ? "-" : r.installS.toFixed(1),
    r.runS === undefined ? "-" : r.runS.toFixed(1),
    r.spans ?? "-",
    r.logs ?? "-",
    r.api ?? "-",
    r.apiLogs ?? "-",
    r.ls ?? "-",
    r.status === "pass" ? "pass" : r.status === "skip" ? "skip" : "FAIL",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  const lines = [fmt(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(fmt)];
  const counts = { pass: 0, fail: 0, skip: 0 };
  for (const r of results) counts[r.status]++;
  lines.push("", `${results.length} cells: ${counts.pass} pass, ${counts.fail} fail, ${counts.skip} skipped; ${totalS.toFixed(0)} s (installs are per app and shared by its cells; spans/logs: arrived/expected, checkpoints not counted)`);
  const detail = results.filter((r) => r.problems.length > 0 || r.notes.length > 0);
  if (detail.length > 0) lines.push("");
  for (const r of detail) {
    lines.push(`${r.status === "pass" ? "pass" : r.status === "skip" ? "skip" : "FAIL"} ${r.id}`);
    for (const p of r.problems) lines.push(`  ✗ ${p.replaceAll("\n", "\n    ")}`);
    for (const n of r.notes) lines.push(`  · ${n}`);
  }
  return lines.join("\n");
}
