// Once per `npm run test:e2e`: build dist/ (the demo runs the built package), make sure the real
// programs are installed (failing loudly, naming scripts/e2e-peers.sh, when they are not), and
// start the shared Jaeger and Phoenix on free loopback ports. The Collector is started by its own
// test file, which owns the Datadog stand-in it points at.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import type { E2eContext } from "./context.js";
import { startJaeger } from "./support/jaeger.js";
import { DOCKER, ROOT, installedPeers } from "./support/peers.js";
import { startPhoenix } from "./support/phoenix.js";
import type { Program } from "./support/program.js";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: ROOT, stdio: "inherit" });
  const workDir = mkdtempSync(join(tmpdir(), "coat-e2e-"));
  const programs: Program[] = [];
  const teardown = async () => {
    await Promise.allSettled(programs.map((p) => p.stop()));
    if (process.env.AGENT_COAT_E2E_KEEP === "1") console.log(`e2e: kept ${workDir} (program logs, files)`);
    else rmSync(workDir, { recursive: true, force: true });
  };
  try {
    project.provide("e2e", DOCKER ? dockerContext(workDir) : await startPeers(workDir, programs));
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}

async function startPeers(workDir: string, programs: Program[]): Promise<E2eContext> {
  const peers = installedPeers();
  const [jaeger, phoenix] = await Promise.allSettled([startJaeger(peers.jaeger, workDir), startPhoenix(peers.phoenix, workDir)]);
  for (const started of [jaeger, phoenix]) if (started.status === "fulfilled") programs.push(started.value.program);
  if (jaeger.status === "rejected") throw jaeger.reason;
  if (phoenix.status === "rejected") throw phoenix.reason;
  return { jaeger: jaeger.value.service, phoenixUrl: phoenix.value.url, collectorBinary: peers.collector, workDir };
}

/** The published ports of docker-compose.yml. */
function dockerContext(workDir: string): E2eContext {
  return {
    jaeger: { otlpHttpUrl: "http://127.0.0.1:14318", otlpGrpcAddress: "127.0.0.1:14317", queryUrl: "http://127.0.0.1:16686" },
    phoenixUrl: "http://127.0.0.1:6006",
    workDir,
  };
}
