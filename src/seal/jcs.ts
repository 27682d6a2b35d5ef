/**
 * RFC 8785 JSON Canonicalization Scheme over JSON data (what JSON.parse returns).
 *
 * ECMAScript already serializes strings and numbers the way RFC 8785 requires (JSON.stringify);
 * what remains is sorting object keys by UTF-16 code units, which is JavaScript's default sort.
 */
export function canonicalizeJson(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`RFC 8785 has no form for ${value}`);
      return JSON.stringify(value);
    case "object": {
      if (value === null) return "null";
      if (Array.isArray(value)) return `[${value.map(canonicalizeJson).join(",")}]`;
      const object = value as Record<string, unknown>;
      const members = Object.keys(object)
        .sort()
        .map((key) => `${JSON.stringify(key)}:${canonicalizeJson(object[key])}`);
      return `{${members.join(",")}}`;
    }
    default:
      throw new TypeError(`RFC 8785 has no form for a ${typeof value}`);
  }
}
