// A real program started for the suite: its own process group, output to a log file, a readiness
// probe, and a stop that takes the whole group down (no orphans).
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface ProgramSpec {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Working directory; its log goes to `<cwd>/<name>.log`. */
  cwd: string;
  /** Resolves true once the program serves; polled until `timeoutMs`. */
  ready: () => Promise<boolean>;
  timeoutMs: number;
}

export interface Program {
  readonly name: string;
  readonly logFile: string;
  /** The program's output so far (stdout and stderr). */
  log(): string;
  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves once the leader exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();
// Last resort if the test process dies before its teardown: leave no program behind.
process.once("exit", () => {
  for (const child of running) killGroup(child, "SIGKILL");
});

export async function startProgram(spec: ProgramSpec): Promise<Program> {
  const logFile = join(spec.cwd, `${spec.name}.log`);
  const fd = openSync(logFile, "a");
  const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, detached: true, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  running.add(child);
  let exit: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exit = `exited with ${signal ?? `code ${code}`}`;
      running.delete(child);
      resolve();
    });
    child.once("error", (error) => {
      exit = `could not start: ${error.message}`;
      running.delete(child);
      resolve();
    });
  });
  const log = () => readFileSync(logFile, "utf8");
  let stopping: Promise<void> | undefined;
  const program: Program = {
    name: spec.name,
    logFile,
    log,
    stop: (graceMs = 10_000) =>
      (stopping ??= (async () => {
        if (exit !== undefined) return;
        killGroup(child, "SIGTERM");
        const timer = setTimeout(() => killGroup(child, "SIGKILL"), graceMs);
        await exited;
        clearTimeout(timer);
        // Children that outlived the leader share its group id.
        killGroup(child, "SIGKILL");
      })()),
  };

  const deadline = Date.now() + spec.timeoutMs;
  for (;;) {
    if (exit !== undefined) throw new Error(`${spec.name} ${exit} before it was ready (${spec.command} ${spec.args.join(" ")}); its log:\n${tail(log())}`);
    if (await spec.ready().catch(() => false)) return program;
    if (Date.now() > deadline) {
      await program.stop();
      throw new Error(`${spec.name} was not ready within ${spec.timeoutMs} ms; its log:\n${tail(log())}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

function tail(text: string, lines = 40): string {
  return text.split("\n").slice(-lines).join("\n");
}
