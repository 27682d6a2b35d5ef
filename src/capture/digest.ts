import * as crypto from "node:crypto";

/** Digest of one leaf's JSON text: `hmac-sha256:<hex>` with a key, else `sha256:<hex>`. */
export type Digest = (json: string) => string;

// crypto.hash (Node >= 20.12) skips the Hash object: several times faster on short leaves.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: "hex") => string }).hash;

export function createDigest(key: string | undefined): Digest {
  if (key !== undefined && key !== "") return (json) => `hmac-sha256:${crypto.createHmac("sha256", key).update(json, "utf8").digest("hex")}`;
  if (oneShot !== undefined) return (json) => `sha256:${oneShot("sha256", json, "hex")}`;
  return (json) => `sha256:${crypto.createHash("sha256").update(json, "utf8").digest("hex")}`;
}
