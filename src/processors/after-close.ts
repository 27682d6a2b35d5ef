import { warnOnce } from "../runtime/report.js";

/**
 * A record that reaches a seal processor after shutdown() closed its chain is not recorded (it
 * would be unsealed, or break the closed chain): said once per signal, never silently.
 */
export function madeAfterClose(signal: "spans" | "log records"): void {
  warnOnce(`${signal} after shutdown`, `${signal} made after shutdown() closed the seal chain are not recorded (the first one just was; further ones are not reported)`);
}
