/**
 * Ed25519 keys for checkpoint signatures: PEM text, a path to a PEM file, or a KeyObject.
 * A key that cannot be used is a SealKeyError when the key is loaded, never later.
 */
import { createHash, createPrivateKey, createPublicKey, KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { SealKeyError } from "./key-error.js";
import type { KeySource } from "./key-source.js";

export { SealKeyError } from "./key-error.js";

export type { KeySource } from "./key-source.js";

export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly keyId: string;
}

export interface VerifyingKey {
  readonly publicKey: KeyObject;
  readonly keyId: string;
}

/** An Ed25519 private key (PKCS#8 PEM), e.g. from ENVPOD_COAT_SEAL_KEY. */
export function loadSigningKey(source: KeySource, what = "seal key"): SigningKey {
  const privateKey = typeof source === "string" ? parse(() => createPrivateKey(pemOf(source, what)), what, "an Ed25519 private key (PKCS#8 PEM)") : keyObject(source, what);
  if (privateKey.type !== "private") throw new SealKeyError(`${what}: a private key is needed to sign, got a ${privateKey.type} key`);
  requireEd25519(privateKey, what);
  return { privateKey, keyId: keyIdOf(createPublicKey(privateKey)) };
}

/** An Ed25519 public key (SPKI PEM) to verify with; a private key is accepted and its public half used. */
export function loadVerifyingKey(source: KeySource, what = "public key"): VerifyingKey {
  let key: KeyObject;
  if (typeof source !== "string") key = keyObject(source, what);
  else {
    const pem = pemOf(source, what);
    key = parse(() => (/PRIVATE KEY-----/.test(pem) ? createPrivateKey(pem) : createPublicKey(pem)), what, "an Ed25519 public key (SPKI PEM)");
  }
  const publicKey = key.type === "public" ? key : createPublicKey(key);
  requireEd25519(publicKey, what);
  return { publicKey, keyId: keyIdOf(publicKey) };
}

/** Key id: the first 16 bytes of SHA-256 over the public key's SPKI DER encoding, as hex. */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(der).digest("hex").slice(0, 32);
}

function keyObject(source: KeySource, what: string): KeyObject {
  if (source instanceof KeyObject) return source;
  throw new SealKeyError(`${what} must be PEM text, a path to a PEM file, or a KeyObject`);
}

function pemOf(source: string, what: string): string {
  const text = source.trim();
  if (text === "") throw new SealKeyError(`${what} is empty`);
  if (text.includes("-----BEGIN")) {
    // Environment variables often carry a PEM on one line with literal "\n" separators.
    return text.includes("\n") ? text : text.replace(/\\n/g, "\n");
  }
  let file: string;
  try {
    file = readFileSync(text, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new SealKeyError(`${what} is neither PEM text nor a readable file (${code}: ${text})`);
  }
  if (!file.includes("-----BEGIN")) throw new SealKeyError(`${what} file ${text} holds no PEM key`);
  return file;
}

function parse(make: () => KeyObject, what: string, expected: string): KeyObject {
  try {
    return make();
  } catch (error) {
    throw new SealKeyError(`${what} is not ${expected}: ${(error as Error).message}`);
  }
}

function requireEd25519(key: KeyObject, what: string): void {
  if (key.asymmetricKeyType !== "ed25519") {
    throw new SealKeyError(`${what} must be an Ed25519 key, got ${key.asymmetricKeyType ?? key.type}`);
  }
}
