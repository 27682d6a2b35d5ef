// Where the real programs are: built by scripts/e2e-peers.sh, or already running under Docker.
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../../..");
export const PEERS_SCRIPT = "scripts/e2e-peers.sh";

/** AGENT_COAT_E2E_DOCKER=1: use the services of docker-compose.yml on their published ports instead. */
export const DOCKER = process.env.AGENT_COAT_E2E_DOCKER === "1";

export interface PeerPrograms {
  collector: string;
  jaeger: string;
  phoenix: string;
}

/** The programs' paths; throws, naming the setup script, when one is missing or out of date. */
export function installedPeers(): PeerPrograms {
  let out: string;
  try {
    out = execFileSync("bash", [join(ROOT, PEERS_SCRIPT), "--paths"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(`The end-to-end suite runs the real OpenTelemetry Collector, Jaeger and Phoenix, and they are not ready.\nRun ${PEERS_SCRIPT} to build them (or see the README to use Docker instead).\n${stderr}`);
  }
  const paths = Object.fromEntries(out.trim().split("\n").map((line) => line.split("=", 2) as [string, string]));
  return { collector: paths.COLLECTOR!, jaeger: paths.JAEGER!, phoenix: paths.PHOENIX! };
}
