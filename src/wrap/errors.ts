import { readDataProperty, readStringProperty } from "../capture/snapshot.js";

/** The type a thrown value reports as `error.type`: its `name`, its constructor's, or its typeof. Never throws. */
export function errorType(error: unknown): string {
  if (error === null || typeof error !== "object") return error === null ? "null" : typeof error;
  const name = readStringProperty(error, "name");
  if (name) return name;
  const constructor = readDataProperty(error, "constructor");
  return readStringProperty(constructor, "name") || "Error";
}

/** The message of an Error, or a thrown primitive itself as text. */
export function errorMessage(error: unknown): string | undefined {
  if (error === null || (typeof error !== "object" && typeof error !== "function")) {
    try {
      return String(error);
    } catch {
      return undefined;
    }
  }
  return readStringProperty(error, "message");
}
