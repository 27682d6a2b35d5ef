import { Op } from "../../dialects/ops.js";
import type { RedactionRules } from "../../capture/secrets.js";
import type { Scrubber } from "../../capture/secrets.js";
import { createScrubber } from "../../capture/secrets.js";
import { context } from "@opentelemetry/api";
import { runtimeOf } from "../../runtime/state.js";
import { alert, allow, block, redact } from "../decision.js";
import type { Policy, PolicyOptions } from "../policy.js";
import { policy } from "../policy.js";
import { argsJson } from "../args-json.js";

export interface SecretsOptions extends Pick<PolicyOptions, "priority" | "ops" | "match"> {
  /** What a secret in the arguments leads to (default block). */
  decision?: "block" | "redact" | "alert";
  /** More keys and patterns beside register()'s `redact` rules, in the same form. */
  rules?: RedactionRules;
}

const MAX_DEPTH = 8;
const MAX_VALUES = 1000;

/**
 * Secrets or PII in a call's arguments, found with the capture rules (sensitive key names, token
 * and card patterns): the call is blocked, runs with them redacted, or runs with an alert.
 */
export function secretsInArguments(options: SecretsOptions = {}, name = "secrets-in-arguments"): Policy {
  const decision = options.decision ?? "block";
  if (decision !== "block" && decision !== "redact" && decision !== "alert") throw new TypeError(`agent-coat: secretsInArguments() decision must be "block", "redact" or "alert", got ${JSON.stringify(decision)}`);
  const scrubbers = new WeakMap<object, Scrubber>();
  const noRules = {};
  // The process's rules (register({ redact })) with this policy's own; rebuilt only when they change.
  const scrubberNow = (): Scrubber => {
    const process = runtimeOf(context.active()).settings.redaction;
    const key = process ?? noRules;
    let scrubber = scrubbers.get(key);
    if (scrubber === undefined) scrubbers.set(key, (scrubber = createScrubber(merged(process, options.rules))));
    return scrubber;
  };
  return policy(name, { priority: options.priority ?? 80, ops: options.ops ?? [Op.TOOL], ...(options.match !== undefined && { match: options.match }) }, (ctx) => {
    // One pass of the rules over the arguments' JSON (as the redacted capture mode scrubs it);
    // only when it finds something are the values walked to say where.
    const scrubber = scrubberNow();
    const json = argsJson(ctx.args);
    if (json !== null && scrubber.scrub(json) === json) return allow();
    const paths: string[] = [];
    let budget = MAX_VALUES;
    const visit = (value: unknown, path: string, key: string | undefined, depth: number): void => {
      if (budget-- <= 0) return;
      if (typeof value === "string") {
        if ((key !== undefined && value !== "" && scrubber.isSensitiveKey(key)) || scrubber.scrub(value, key) !== value) paths.push(path);
        return;
      }
      if (typeof value !== "object" || value === null || depth >= MAX_DEPTH) return;
      for (const [k, v] of Object.entries(value)) visit(v, `${path}.${k}`, Array.isArray(value) ? key : k, depth + 1);
    };
    ctx.args.forEach((arg, i) => visit(arg, String(i), undefined, 0));
    if (paths.length === 0) return allow();
    const where = `secrets in the arguments of ${ctx.name} at ${paths.join(", ")}`;
    return decision === "block" ? block(where) : decision === "redact" ? redact(paths, where) : alert(where);
  });
}

function merged(process: RedactionRules | undefined, own: RedactionRules | undefined): RedactionRules {
  if (process === undefined) return own ?? {};
  if (own === undefined) return process;
  const custom = own.custom ?? process.custom;
  return { keys: [...(process.keys ?? []), ...(own.keys ?? [])], patterns: [...(process.patterns ?? []), ...(own.patterns ?? [])], ...(custom !== undefined && { custom }) };
}
