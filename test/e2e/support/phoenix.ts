// Arize Phoenix, installed by scripts/e2e-peers.sh, served from a throw-away working directory
// (SQLite) on free loopback ports, and read back through its REST API.
import { join } from "node:path";
import { freePorts } from "./ports.js";
import { startProgram } from "./program.js";
import type { Program } from "./program.js";

/** A span as `GET /v1/projects/{name}/spans` returns it. */
export interface PhoenixSpan {
  id: string;
  name: string;
  context: { trace_id: string; span_id: string };
  span_kind: string;
  parent_id: string | null;
  start_time: string;
  end_time: string;
  status_code: string;
  status_message: string;
  attributes: Record<string, unknown>;
  events: { name: string; timestamp: string; attributes: Record<string, unknown> }[];
}

export async function startPhoenix(binary: string, dir: string): Promise<{ url: string; program: Program }> {
  const [http, grpc] = await freePorts(2);
  const url = `http://127.0.0.1:${http}`;
  const program = await startProgram({
    name: "phoenix",
    command: binary,
    args: ["serve"],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PHOENIX_HOST: "127.0.0.1",
      PHOENIX_PORT: String(http),
      PHOENIX_GRPC_PORT: String(grpc),
      PHOENIX_WORKING_DIR: join(dir, "phoenix-data"),
      PHOENIX_TELEMETRY_ENABLED: "false",
    },
    cwd: dir,
    ready: async () => (await fetch(`${url}/v1/projects`)).ok,
    timeoutMs: 120_000,
  });
  return { url, program };
}

/** Every span Phoenix stored in `project`, following the cursor; none when the project does not exist (yet). */
export async function phoenixSpans(url: string, project: string): Promise<PhoenixSpan[]> {
  const spans: PhoenixSpan[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: "1000", ...(cursor ? { cursor } : {}) });
    const response = await fetch(`${url}/v1/projects/${encodeURIComponent(project)}/spans?${query}`);
    if (response.status === 404) return [];
    if (!response.ok) throw new Error(`Phoenix answered ${response.status}: ${(await response.text()).slice(0, 500)}`);
    const page = (await response.json()) as { data: PhoenixSpan[]; next_cursor: string | null };
    spans.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return spans;
}
