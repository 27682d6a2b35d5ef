import type { Environment } from "../runtime/environment.js";
import { FRAMEWORK, VERSION } from "../runtime/version.js";

/**
 * Who is calling. The SDK never claims an identity itself: outside a pod the subject comes from
 * ENVPOD_AGENT_ID / ENVPOD_AGENT_ROLE, inside a pod the runtime overwrites it from the
 * kernel-authenticated claim. Unclaimed callers are `anonymous` with a fingerprint.
 */
export interface Identity {
  readonly pid: number;
  readonly uid: number;
  readonly podId: string | undefined;
  readonly agentId: string;
  readonly agentRole: string;
  readonly claimId: string | undefined;
}

export function identityFromEnv(claimId: string | undefined, env: Environment = process.env): Identity {
  return {
    pid: process.pid,
    uid: typeof process.getuid === "function" ? process.getuid() : -1,
    podId: env.ENVPOD_POD_ID || undefined,
    agentId: env.ENVPOD_AGENT_ID ?? "",
    agentRole: env.ENVPOD_AGENT_ROLE ?? "",
    claimId,
  };
}

export function claimKind(identity: Identity): "claimed" | "anonymous" {
  return identity.claimId ? "claimed" : "anonymous";
}

let last: { identity: Identity; sessionId: string; fingerprint: string } | undefined;

/**
 * `anon_pid999_uid60000_sesssess_999`, the envpod seed's format. Every record of a session
 * carries it: the last one is kept, so they carry the same string, built once.
 */
export function anonymousFingerprint(identity: Identity, sessionId: string): string {
  if (last !== undefined && last.identity === identity && last.sessionId === sessionId) return last.fingerprint;
  const fingerprint = `anon_pid${identity.pid}_uid${identity.uid}_sess${sessionId}`;
  last = { identity, sessionId, fingerprint };
  return fingerprint;
}

export function subjectOf(identity: Identity): Record<string, string> {
  return { agent_id: identity.agentId, agent_role: identity.agentRole, framework: FRAMEWORK, framework_version: VERSION };
}
