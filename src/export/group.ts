import type { Resource } from "@opentelemetry/resources";
import type { Scope } from "./resource-scope.js";

interface Grouped {
  resource: Resource;
  instrumentationScope: Scope;
}

/** Records by resource object, then by scope object, each in first-seen order (identity, not equality). */
export function groupByResourceAndScope<T extends Grouped>(records: readonly T[]): Map<Resource, Map<Scope, T[]>> {
  const byResource = new Map<Resource, Map<Scope, T[]>>();
  for (const record of records) {
    let byScope = byResource.get(record.resource);
    if (byScope === undefined) {
      byScope = new Map();
      byResource.set(record.resource, byScope);
    }
    const scope = record.instrumentationScope;
    const list = byScope.get(scope);
    if (list === undefined) byScope.set(scope, [record]);
    else list.push(record);
  }
  return byResource;
}
