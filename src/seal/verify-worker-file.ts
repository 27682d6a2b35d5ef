import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The built worker script beside this module, in the ESM or the CommonJS output alike (the one
 * source compiles to both, and neither `import.meta` nor `__filename` exists in both); undefined
 * when running from the TypeScript sources, where a worker cannot load `.ts`.
 */
export function verifyWorkerFile(): string | undefined {
  const prepare = Error.prepareStackTrace;
  let file: string | null | undefined;
  try {
    Error.prepareStackTrace = (_error, frames) => frames;
    const frames = new Error().stack as unknown as NodeJS.CallSite[];
    file = frames[0]?.getFileName();
  } finally {
    Error.prepareStackTrace = prepare;
  }
  if (typeof file !== "string" || !file.endsWith(".js")) return undefined;
  const path = file.startsWith("file:") ? fileURLToPath(file) : file;
  return join(dirname(path), "verify-worker.js");
}
