#!/usr/bin/env node
// Install footprint (not run by CI): packages and bytes in node_modules of fresh apps, each
// installed as a user would (npm install, no flags that bend resolution), with the versions of
// cells.json. Reuses the compatibility suite's cache (Node binaries, npm cache):
//   node test/compat/footprint.mjs
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");
const CACHE = resolve(process.env.AGENT_COAT_COMPAT_CACHE ?? join(homedir(), ".cache", "agent-coat-compat"));
const NPM_CACHE = join(CACHE, "npm");
const cells = JSON.parse(readFileSync(join(import.meta.dirname, "cells.json"), "utf8"));
const l2 = cells.lines["2.x"].packages;
const l3 = cells.lines["3.x"].packages;

function env(binDir) {
  const out = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(npm_|OTEL_|ENVPOD_)/i.test(k) && k !== "NODE") out[k] = v;
  if (binDir) out.PATH = `${binDir}${delimiter}${process.env.PATH}`;
  return out;
}

/** The folder of the Node binary for a cells.json node key: the system Node, or the npm package in the cache. */
function nodeBin(key) {
  const entry = cells.node[key];
  if (entry.system && entry.version.split(".")[0] === process.versions.node.split(".")[0]) return { binDir: dirname(process.execPath), version: process.versions.node };
  const pkg = `node-${process.platform}-${process.arch}`;
  const dir = join(CACHE, "node", entry.version);
  const binDir = join(dir, "node_modules", pkg, "bin");
  if (!existsSync(join(binDir, "node"))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "compat-node", private: true }));
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--save-exact", "--prefer-offline", "--cache", NPM_CACHE, `${pkg}@${entry.version}`], { cwd: dir, env: env(), stdio: "inherit" });
  }
  return { binDir, version: entry.version };
}

function countPackages(nodeModules) {
  let n = 0;
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory() || e.name.startsWith(".")) continue;
      const full = join(dir, e.name);
      if (e.name.startsWith("@")) for (const s of readdirSync(full, { withFileTypes: true })) s.isDirectory() && visit(join(full, s.name));
      else visit(full);
    }
  };
  const visit = (pkgDir) => {
    if (existsSync(join(pkgDir, "package.json"))) n++;
    walk(join(pkgDir, "node_modules"));
  };
  walk(nodeModules);
  return n;
}

const dest = mkdtempSync(join(tmpdir(), "agent-coat-footprint-"));
const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--silent", "--pack-destination", dest], { cwd: ROOT, env: env(), encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).replace(/^[^[]*/, ""));
const tarball = join(dest, packed[0].filename);
const tarballKB = Math.round(readFileSync(tarball).length / 1024);

const apps = [
  { name: "agent-coat alone", node: "20", specs: [tarball] },
  { name: "agent-coat + sdk-node + api (2.x)", node: "20", specs: [tarball, `@opentelemetry/sdk-node@${l2.nodesdk["@opentelemetry/sdk-node"]}`, `@opentelemetry/api@${l2.common["@opentelemetry/api"]}`] },
  { name: "agent-coat + sdk-node + api (3.x)", node: "22", specs: [tarball, `@opentelemetry/sdk-node@${l3.nodesdk["@opentelemetry/sdk-node"]}`, `@opentelemetry/api@${l3.common["@opentelemetry/api"]}`] },
  { name: "sdk-node + api alone (2.x)", node: "20", specs: [`@opentelemetry/sdk-node@${l2.nodesdk["@opentelemetry/sdk-node"]}`, `@opentelemetry/api@${l2.common["@opentelemetry/api"]}`] },
  { name: "@arizeai/phoenix-otel alone", node: "20", specs: [`@arizeai/phoenix-otel@${cells.extras.phoenix.packages["@arizeai/phoenix-otel"]}`] },
  { name: "@langfuse/otel + @langfuse/tracing + sdk-node", node: "20", specs: ["@langfuse/otel@5.11.1", "@langfuse/tracing@5.11.1", `@opentelemetry/sdk-node@${l2.nodesdk["@opentelemetry/sdk-node"]}`] },
];

const rows = [];
for (const app of apps) {
  const dir = join(dest, app.name.replace(/[^a-z0-9]+/gi, "-"));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "footprint", version: "0.0.0", private: true, type: "module" }));
  const node = nodeBin(app.node);
  const started = Date.now();
  const r = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--save-exact", "--prefer-offline", "--cache", NPM_CACHE, ...app.specs], { cwd: dir, env: env(node.binDir), encoding: "utf8" });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    const code = /npm error code (\S+)/.exec(r.stderr)?.[1] ?? `exit ${r.status}`;
    rows.push([app.name, `node ${node.version}`, "-", "-", `install failed: ${code}`]);
    continue;
  }
  const bytes = Number(execFileSync("du", ["-sb", join(dir, "node_modules")], { encoding: "utf8" }).split("\t")[0]);
  rows.push([app.name, `node ${node.version}`, String(countPackages(join(dir, "node_modules"))), (bytes / 1e6).toFixed(1), `${seconds} s`]);
}
rmSync(dest, { recursive: true, force: true });

const header = ["app", "node", "packages", "MB (du -sb)", "install"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const fmt = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
console.log([fmt(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(fmt)].join("\n"));
console.log(`\nagent-coat tarball: ${tarballKB} KB packed; MB are 10^6 bytes of node_modules`);
