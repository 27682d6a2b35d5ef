import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Policy } from "../govern/policy.js";
import { isPolicy } from "../govern/policy.js";

/** The policies an ES module exports: its default export and every named one (a policy or a list of them). */
export async function loadPolicies(file: string, instance = ""): Promise<Policy[]> {
  const url = pathToFileURL(resolve(file)).href + (instance ? `?instance=${instance}` : "");
  const module = (await import(url)) as Record<string, unknown>;
  const found: Policy[] = [];
  for (const value of Object.values(module)) {
    for (const item of Array.isArray(value) ? value : [value]) if (isPolicy(item) && !found.includes(item)) found.push(item);
  }
  if (found.length === 0) throw new Error(`${file} exports no policy (export policies made with policy(), or a list of them)`);
  return found;
}
