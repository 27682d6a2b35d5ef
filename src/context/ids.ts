import { randomBytes } from "node:crypto";

/** A new opaque id such as `sess_9f2c41d07a3be815`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(8).toString("hex")}`;
}
