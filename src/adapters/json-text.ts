/** A value frameworks pass as JSON text (tool arguments, tool output): the parsed value when it is JSON, else the value as given. */
export function parsedJsonText(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
