import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { canonicalizeJson } from "../../src/seal/jcs.js";

const VECTORS = "/work/shared/reference/jcs-testdata";

describe("RFC 8785 canonicalizer", () => {
  const names = readdirSync(join(VECTORS, "input")).filter((name) => name.endsWith(".json"));

  it("has the six reference vectors to check against", () => {
    expect(names.sort()).toEqual(["arrays.json", "french.json", "structures.json", "unicode.json", "values.json", "weird.json"]);
  });

  for (const name of names) {
    it(`reproduces ${name} byte for byte`, () => {
      const input = JSON.parse(readFileSync(join(VECTORS, "input", name), "utf8"));
      const expected = readFileSync(join(VECTORS, "output", name));
      expect(Buffer.from(canonicalizeJson(input), "utf8").equals(expected)).toBe(true);
    });
  }

  it("rejects what JSON cannot carry", () => {
    expect(() => canonicalizeJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalizeJson({ a: undefined })).toThrow(TypeError);
    expect(() => canonicalizeJson(1n)).toThrow(TypeError);
  });

  it("serializes numbers the ECMAScript way and sorts keys by UTF-16 code units", () => {
    expect(canonicalizeJson([1e21, 1e-7, -0, 0.1, 123456789012345680000])).toBe("[1e+21,1e-7,0,0.1,123456789012345680000]");
    // By code points U+FB33 < U+1F602; by UTF-16 code units (what JCS sorts by) 0xD83D… < 0xFB33.
    expect(canonicalizeJson({ "\u{1F602}": 1, "\uFB33": 2 })).toBe('{"\u{1F602}":1,"\uFB33":2}');
  });
});
