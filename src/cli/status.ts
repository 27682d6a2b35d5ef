import { defaultSpoolBase } from "../setup/spool-settings.js";
import { spoolStatus } from "../delivery/spool-status.js";
import type { SpoolFolderStatus } from "../delivery/spool-status.js";

export const STATUS_USAGE = `  coat status [DIR] [--json]
                      what waits in the spool to be re-sent, how old it is, and what was lost
                      (DIR: a spool folder or root; default $ENVPOD_COAT_SPOOL, else
                      $XDG_STATE_HOME/agent-coat/spool)`;

/** `coat status`: exit 0 when nothing waits or was lost, 1 when something does or was. */
export async function runStatus(args: string[], out: (text: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const json = args.includes("--json");
  const dir = args.find((a) => !a.startsWith("--")) ?? (env.ENVPOD_COAT_SPOOL?.trim() && !/^(off|false|0|none)$/i.test(env.ENVPOD_COAT_SPOOL.trim()) ? env.ENVPOD_COAT_SPOOL.trim() : defaultSpoolBase(env));
  const folders = await spoolStatus(dir);
  const waiting = folders.reduce((n, f) => n + f.records, 0);
  const lost = folders.reduce((n, f) => n + Object.values(f.lost).reduce((a, b) => a + b, 0), 0);
  if (json) out(`${JSON.stringify({ dir, waiting, lost, folders }, null, 2)}\n`);
  else out(render(dir, folders, waiting, lost));
  return waiting === 0 && lost === 0 ? 0 : 1;
}

function render(dir: string, folders: SpoolFolderStatus[], waiting: number, lost: number): string {
  if (folders.length === 0) return `${dir}: no spool here; nothing waits to be re-sent\n`;
  const lines = [`${dir}: ${waiting} records wait to be re-sent, ${lost} were lost`];
  const now = Date.now();
  for (const f of folders) {
    const age = f.oldest === undefined ? "" : `, oldest ${Math.round((now - f.oldest) / 1000)} s old`;
    const causes = Object.entries(f.lost).map(([cause, n]) => `${n} ${cause}`).join(", ");
    lines.push(`  ${f.dir}: ${f.records} records in ${f.segments} segment${f.segments === 1 ? "" : "s"} (${f.bytes} bytes${age})${f.live ? `, ${f.live} still being written by a running process` : ""}${f.damagedBytes ? `, ${f.damagedBytes} bytes damaged` : ""}${causes ? `; lost: ${causes}` : ""}`);
  }
  return `${lines.join("\n")}\n`;
}
