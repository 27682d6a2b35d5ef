import { createHash } from "node:crypto";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import type { Environment } from "../runtime/environment.js";
import { warnOnce } from "../runtime/report.js";
import type { SpoolLimits } from "../delivery/spool.js";

/** The `spool` option: a directory, `false`/`"off"`, or a directory with limits. */
export type SpoolOption = string | false | SpoolSettingsOption;

export interface SpoolSettingsOption {
  /** Root directory (default `$XDG_STATE_HOME/agent-coat/spool/<service.name>`). */
  dir?: string;
  /** Bytes on disk per destination and signal at most (default 256 MiB); past it the oldest data goes, counted. */
  maxBytes?: number;
  /** Age at most (default 7 days); older data goes, counted. */
  maxAgeMs?: number;
}

export interface SpoolSettings {
  /** The service's spool root; each destination and signal has a folder in it. */
  readonly root: string;
  readonly limits: SpoolLimits;
}

const DEFAULT_LIMITS: SpoolLimits = { maxBytes: 256 * 1024 * 1024, maxAgeMs: 7 * 24 * 3600 * 1000, segmentBytes: 4 * 1024 * 1024 };

/**
 * The spool of a setup, or undefined when it is off: ENVPOD_COAT_SPOOL (a directory, or `off`)
 * wins over the option; by default a per-user state directory for the service.
 */
export function spoolSettings(option: SpoolOption | undefined, env: Environment, serviceName: string): SpoolSettings | undefined {
  const fromEnv = env.ENVPOD_COAT_SPOOL?.trim();
  if (fromEnv !== undefined && fromEnv !== "") {
    if (/^(off|false|0|none)$/i.test(fromEnv)) return undefined;
    return { root: resolve(fromEnv), limits: limitsOf(typeof option === "object" ? option : {}) };
  }
  if (option === false || option === "off") return undefined;
  const given = typeof option === "string" ? option : option?.dir;
  const root = given !== undefined && given.trim() !== "" ? resolve(given) : defaultRoot(env, serviceName);
  return { root, limits: limitsOf(typeof option === "object" ? option : {}) };
}

/** The folder of one destination and signal, e.g. `traces-localhost_4318-1a2b3c4d`. */
export function spoolFolder(settings: SpoolSettings, signal: "traces" | "logs", url: string | undefined): string {
  const where = url ?? "default";
  let host = "default";
  try {
    host = new URL(where).host.replace(/[^A-Za-z0-9.-]+/g, "_");
  } catch {
    // not a URL: the hash alone tells destinations apart
  }
  return join(settings.root, `${signal}-${host}-${createHash("sha256").update(where).digest("hex").slice(0, 8)}`);
}

function defaultRoot(env: Environment, serviceName: string): string {
  return join(defaultSpoolBase(env), serviceName.replace(/[^A-Za-z0-9._-]+/g, "_") || "unknown_service");
}

/** Where every service's spool lives by default: `$XDG_STATE_HOME/agent-coat/spool` (else `~/.local/state/…`). */
export function defaultSpoolBase(env: Environment): string {
  // Where the user's state lives is a fact of the machine, not configuration: an explicit env without it still spools there.
  const state = env.XDG_STATE_HOME?.trim() || process.env.XDG_STATE_HOME?.trim();
  const base = state && isAbsolute(state) ? state : join(homedir(), ".local", "state");
  return join(base, "agent-coat", "spool");
}

function limitsOf(option: SpoolSettingsOption): SpoolLimits {
  return {
    maxBytes: positive(option.maxBytes, "spool.maxBytes", DEFAULT_LIMITS.maxBytes),
    maxAgeMs: positive(option.maxAgeMs, "spool.maxAgeMs", DEFAULT_LIMITS.maxAgeMs),
    segmentBytes: Math.min(DEFAULT_LIMITS.segmentBytes, Math.max(64 * 1024, Math.floor(positive(option.maxBytes, "spool.maxBytes", DEFAULT_LIMITS.maxBytes) / 8))),
  };
}

function positive(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (Number.isFinite(value) && value > 0) return value;
  warnOnce(`${name}=${value}`, `${name}=${value} is not a positive number; using ${fallback}`);
  return fallback;
}
