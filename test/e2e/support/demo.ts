// Runs examples/demo-agent.mjs (the built package) as a user would, with only the environment the
// test gives it, and reads back what it recorded in its own file sink: the reference to compare
// every backend against.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { readOtlpJsonLines } from "./otlp-file.js";
import type { OtlpRecords } from "./otlp-file.js";
import { ROOT } from "./peers.js";
import { SEAL_CHECKPOINT_NAME, SealKey } from "../../../src/dialects/keys.js";

export interface DemoRun extends OtlpRecords {
  stdout: string;
  /** Wall-clock bounds around the run, for time-bounded queries. */
  started: Date;
  ended: Date;
  /** The one trace of the run. */
  traceId: string;
  /** The demo's own file sink. */
  file: string;
  /** The seal's checkpoints: the demo spans carrying one (also in `spans`), and the checkpoint log records (kept apart from `logs`). */
  checkpoints: OtlpRecords;
}

let runs = 0;

/** The demo's five spans (one AGENT around two LLM and two TOOL calls) and its log records. */
export const DEMO_SPANS = ["supportAgent", "plan", "getWeather", "bookTable", "streamReply"];
export const DEMO_SERVICE = "demo-agent";

export async function runDemo(dir: string, env: Record<string, string>): Promise<DemoRun> {
  const file = join(dir, `demo-${process.pid}-${++runs}.jsonl`);
  const started = new Date();
  const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, "examples/demo-agent.mjs")], {
    cwd: ROOT,
    env: { ...ambientEnv(), ENVPOD_COAT_FILE: file, ...env },
  });
  const ended = new Date();
  const all = readOtlpJsonLines(file);
  // A checkpoint is never a span of its own: the span chain's ride on the demo's spans.
  if (all.spans.some((s) => s.name === SEAL_CHECKPOINT_NAME)) throw new Error(`the demo recorded a span named ${SEAL_CHECKPOINT_NAME}`);
  const records: OtlpRecords = { spans: all.spans, logs: all.logs.filter((l) => l.eventName !== SEAL_CHECKPOINT_NAME) };
  const checkpoints: OtlpRecords = { spans: all.spans.filter((s) => s.attributes[SealKey.CHECKPOINT_FINAL] !== undefined), logs: all.logs.filter((l) => l.eventName === SEAL_CHECKPOINT_NAME) };
  const traceIds = [...new Set(records.spans.map((s) => s.traceId))];
  if (records.spans.length !== DEMO_SPANS.length || traceIds.length !== 1) {
    throw new Error(`the demo recorded ${records.spans.length} span(s) in ${traceIds.length} trace(s), expected ${DEMO_SPANS.length} in one:\n${stdout}`);
  }
  return { ...records, checkpoints, stdout, started, ended, traceId: traceIds[0]!, file };
}

/** process.env without the variables that would send the demo elsewhere or change what it records. */
function ambientEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(OTEL_|ENVPOD_|DD_|PHOENIX_)/.test(key)));
}
