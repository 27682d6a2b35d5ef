import { describe, it, expect, vi, afterEach } from "vitest";
import vm from "node:vm";
import { createAdversary } from "../support/adversarial.js";
import {
  DEFAULT_LIMITS,
  snapshot,
  snapshotJson,
  readDataProperty,
  truncateString,
  type JsonValue,
  type SnapshotLimits,
} from "../../src/capture/snapshot.js";

const noStack: Partial<SnapshotLimits> = { errorStack: false };

afterEach(() => {
  vi.restoreAllMocks();
});

describe("truncateString", () => {
  it("returns the very same string when it fits", () => {
    const s = "hello";
    expect(truncateString(s, 5)).toBe(s);
    expect(truncateString("", 0)).toBe("");
  });

  it("cuts to max units and reports the cut count", () => {
    expect(truncateString("abcdef", 3)).toBe("abc…[+3 chars]");
    expect(truncateString("abc", 0)).toBe("…[+3 chars]");
  });

  it("never splits a surrogate pair", () => {
    // "a😀b": 😀 occupies units 1 and 2
    expect(truncateString("a😀b", 2)).toBe("a…[+3 chars]");
    expect(truncateString("a😀b", 3)).toBe("a😀…[+1 chars]");
    // a lone high surrogate is not a pair, so it may be kept
    expect(truncateString("a\ud800bc", 2)).toBe("a\ud800…[+2 chars]");
  });
});

describe("readDataProperty", () => {
  it("reads own and inherited data values, and never runs a getter, even one on Object.prototype", () => {
    const get = vi.fn(() => "ran");
    Object.defineProperty(Object.prototype, "coatTestGetter", { get, configurable: true });
    Object.defineProperty(Object.prototype, "coatTestValue", { value: "inherited", configurable: true });
    try {
      const plain: Record<string, unknown> = { own: 1 };
      expect(readDataProperty(plain, "own")).toBe(1);
      expect(readDataProperty(plain, "absent")).toBeUndefined();
      expect(readDataProperty(plain, "coatTestGetter")).toBeUndefined();
      expect(readDataProperty(plain, "coatTestValue")).toBe("inherited");
      expect(readDataProperty(Object.create(null), "coatTestValue")).toBeUndefined();
      expect(readDataProperty(Object.create(plain), "own")).toBe(1);
      expect(get).not.toHaveBeenCalled();
    } finally {
      delete (Object.prototype as Record<string, unknown>).coatTestGetter;
      delete (Object.prototype as Record<string, unknown>).coatTestValue;
    }
  });

  it("reads nothing through a Proxy, anywhere on the chain", () => {
    const has = vi.fn(() => true);
    const trap = new Proxy({ x: 1 }, { has, get: () => "trapped", getOwnPropertyDescriptor: () => ({ value: "trapped", configurable: true }) });
    expect(readDataProperty(trap, "x")).toBeUndefined();
    expect(readDataProperty(Object.create(trap), "x")).toBeUndefined();
    expect(has).not.toHaveBeenCalled();
  });
});

describe("DEFAULT_LIMITS", () => {
  it("has the documented defaults and is frozen", () => {
    expect(DEFAULT_LIMITS).toEqual({
      maxStringLength: 200,
      maxDepth: 8,
      maxKeys: 64,
      maxItems: 64,
      maxTotal: 16384,
      errorStack: true,
    });
    expect(Object.isFrozen(DEFAULT_LIMITS)).toBe(true);
  });
});

describe("primitives", () => {
  it("strings are capped by maxStringLength", () => {
    expect(snapshot("hi")).toBe("hi");
    expect(snapshot("x".repeat(250))).toBe(`${"x".repeat(200)}…[+50 chars]`);
    expect(snapshot("abcdef", { maxStringLength: 2 })).toBe("ab…[+4 chars]");
  });

  it("numbers, including non-finite and negative zero", () => {
    expect(snapshot(42)).toBe(42);
    expect(snapshot(-1.5)).toBe(-1.5);
    expect(snapshot(NaN)).toBe("NaN");
    expect(snapshot(Infinity)).toBe("Infinity");
    expect(snapshot(-Infinity)).toBe("-Infinity");
    expect(Object.is(snapshot(-0), 0)).toBe(true);
    expect(snapshotJson([-0, NaN])).toBe('[0,"NaN"]');
  });

  it("booleans, null and undefined", () => {
    expect(snapshot(true)).toBe(true);
    expect(snapshot(false)).toBe(false);
    expect(snapshot(null)).toBe(null);
    expect(snapshot(undefined)).toBe("[undefined]");
    expect(snapshot([undefined, null])).toEqual(["[undefined]", null]);
    expect(snapshot({ a: undefined })).toEqual({ a: "[undefined]" });
    expect(snapshotJson({ a: undefined })).toBe('{"a":"[undefined]"}');
  });

  it("bigint and symbol", () => {
    expect(snapshot(123n)).toBe("123n");
    expect(snapshot(-5n)).toBe("-5n");
    expect(snapshot(10n ** 300n, { maxStringLength: 3 })).toBe("100…[+298 chars]n");
    expect(snapshot(1n << 5000n)).toBe("[BigInt(huge)]");
    expect(snapshot(Symbol("desc"))).toBe("Symbol(desc)");
    expect(snapshot(Symbol())).toBe("Symbol()");
    expect(snapshot(Symbol.iterator)).toBe("Symbol(Symbol.iterator)");
  });

  it("boxed primitives render as their primitive", () => {
    expect(snapshot(new String("hi"))).toBe("hi");
    expect(snapshot(new Number(NaN))).toBe("NaN");
    expect(snapshot(new Boolean(false))).toBe(false);
    expect(snapshot(Object(7n))).toBe("7n");
    expect(snapshot(Object(Symbol("s")))).toBe("Symbol(s)");
  });
});

describe("functions", () => {
  it("render their name without being called", () => {
    let calls = 0;
    function named(): void {
      calls++;
    }
    class Klass {
      constructor() {
        calls++;
      }
    }
    const anon = [() => calls++][0]!;
    expect(snapshot(named)).toBe("[Function named]");
    expect(snapshot(Klass)).toBe("[Function Klass]");
    expect(snapshot(anon)).toBe("[Function anonymous]");
    expect(snapshot(async function* gen() {})).toBe("[Function gen]");
    expect(calls).toBe(0);
  });

  it("do not invoke a name getter", () => {
    let reads = 0;
    class Sneaky {
      static get name(): string {
        reads++;
        return "Sneaky";
      }
    }
    expect(snapshot(Sneaky)).toBe("[Function anonymous]");
    expect(reads).toBe(0);
  });

  it("proxied functions are not inspected", () => {
    const trap = vi.fn(() => {
      throw new Error("trap");
    });
    const p = new Proxy(function f() {}, { get: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap });
    expect(snapshot(p)).toBe("[Proxy]");
    expect(trap).not.toHaveBeenCalled();
  });
});

describe("built-in objects", () => {
  it("Date through the intrinsics", () => {
    const d = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6));
    d.toISOString = () => {
      throw new Error("own method must not run");
    };
    expect(snapshot(d)).toBe("2024-01-02T03:04:05.006Z");
    expect(snapshot(new Date(NaN))).toBe("Invalid Date");
  });

  it("RegExp as its source form", () => {
    expect(snapshot(/ab+c/gi)).toBe("/ab+c/gi");
    expect(snapshot(new RegExp("a/b"))).toBe("/a\\/b/");
  });

  it("binary data never exposes bytes", () => {
    expect(snapshot(new Uint8Array(1024))).toBe("[Uint8Array(1024)]");
    expect(snapshot(Buffer.from("hello world!"))).toBe("[Buffer(12)]");
    expect(snapshot(new Float64Array(3))).toBe("[Float64Array(3)]");
    expect(snapshot(new BigInt64Array(2))).toBe("[BigInt64Array(2)]");
    expect(snapshot(new DataView(new ArrayBuffer(16)))).toBe("[DataView(16)]");
    expect(snapshot(new ArrayBuffer(8))).toBe("[ArrayBuffer(8)]");
    expect(snapshot(new SharedArrayBuffer(4))).toBe("[SharedArrayBuffer(4)]");
  });

  it("WeakMap, WeakSet, Promise", () => {
    expect(snapshot(new WeakMap())).toBe("[WeakMap]");
    expect(snapshot(new WeakSet())).toBe("[WeakSet]");
    expect(snapshot(Promise.resolve(1))).toBe("[Promise]");
  });

  it("Map and Set with caps", () => {
    const m = new Map<unknown, unknown>([
      ["a", 1],
      [{ k: 1 }, [undefined]],
    ]);
    expect(snapshot(m)).toEqual({ "[Map]": [["a", 1], [{ k: 1 }, ["[undefined]"]]] });
    expect(snapshot(new Set([1, "two", null]))).toEqual({ "[Set]": [1, "two", null] });
    const big = new Map(Array.from({ length: 10 }, (_, i) => [i, i * 2] as const));
    expect(snapshot(big, { maxKeys: 2 })).toEqual({ "[Map]": [[0, 0], [1, 2], "[+8 more]"] });
    expect(snapshot(new Set([1, 2, 3, 4]), { maxKeys: 3 })).toEqual({ "[Set]": [1, 2, 3, "[+1 more]"] });
  });

  it("Map and Set ignore overridden iteration methods", () => {
    const m = new Map([[1, 2]]);
    m.entries = () => {
      throw new Error("no");
    };
    Object.defineProperty(m, "size", { get: () => 99 });
    expect(snapshot(m)).toEqual({ "[Map]": [[1, 2]] });
  });
});

describe("errors", () => {
  it("name, message, code and no stack when disabled", () => {
    const e = Object.assign(new TypeError("bad input"), { code: "E_BAD" });
    expect(snapshot(e, noStack)).toEqual({ name: "TypeError", message: "bad input", code: "E_BAD" });
  });

  it("stack is included and capped at 4 × maxStringLength", () => {
    const e = new Error("m");
    e.stack = "s".repeat(50);
    expect(snapshot(e, { maxStringLength: 10 })).toEqual({
      name: "Error",
      message: "m",
      stack: `${"s".repeat(40)}…[+10 chars]`,
    });
    const real = snapshot(new Error("x")) as Record<string, JsonValue>;
    expect(String(real.stack)).toMatch(/^Error: x\n\s+at /);
  });

  it("cause is rendered recursively and cycle-safe", () => {
    const inner = new RangeError("inner");
    const outer = new Error("outer", { cause: inner });
    (inner as Error & { cause?: unknown }).cause = outer;
    expect(snapshot(outer, noStack)).toEqual({
      name: "Error",
      message: "outer",
      cause: { name: "RangeError", message: "inner", cause: "[Circular]" },
    });
    expect(snapshot(new Error("x", { cause: { detail: 1 } }), noStack)).toEqual({
      name: "Error",
      message: "x",
      cause: { detail: 1 },
    });
  });

  it("AggregateError errors become an array", () => {
    const agg = new AggregateError([new Error("a"), "b"], "many");
    expect(snapshot(agg, noStack)).toEqual({
      name: "AggregateError",
      message: "many",
      errors: [{ name: "Error", message: "a" }, "b"],
    });
  });

  it("subclass names, error-like objects, other realms", () => {
    class MyError extends Error {}
    MyError.prototype.name = "MyError";
    expect(snapshot(new MyError("m"), noStack)).toEqual({ name: "MyError", message: "m" });
    const fake = Object.create(Error.prototype) as object;
    expect(snapshot(fake, noStack)).toEqual({ name: "Error", message: "" });
    const foreign = vm.runInNewContext('new SyntaxError("far")') as unknown;
    expect(snapshot(foreign, noStack)).toEqual({ name: "SyntaxError", message: "far" });
  });

  it("getters on errors are not invoked", () => {
    let reads = 0;
    class LazyError extends Error {}
    Object.defineProperty(LazyError.prototype, "message", { get: () => ++reads });
    const e = new LazyError();
    Object.defineProperty(e, "code", { get: () => ++reads, enumerable: true });
    expect(snapshot(e, noStack)).toEqual({ name: "Error", message: "[Getter]", code: "[Getter]" });
    expect(reads).toBe(0);
  });

  it("a stack that V8 formats lazily: only the formatter runs, and its failure is contained", () => {
    const original = Error.prepareStackTrace;
    try {
      Error.prepareStackTrace = () => {
        throw new Error("formatter failed");
      };
      expect(snapshot(new Error("m"))).toEqual({ name: "Error", message: "m", stack: "[Throws]" });
      Error.prepareStackTrace = () => "formatted";
      expect(snapshot(new Error("m"))).toEqual({ name: "Error", message: "m", stack: "formatted" });
    } finally {
      Error.prepareStackTrace = original;
    }
  });

  it("a proxy in the prototype chain is never trapped", () => {
    const trap = vi.fn(() => {
      throw new Error("trap");
    });
    const obj = Object.create(new Proxy({}, { getPrototypeOf: trap, getOwnPropertyDescriptor: trap, get: trap, ownKeys: trap }));
    (obj as { a: number }).a = 1;
    expect(snapshot(obj)).toEqual({ a: 1 });
    expect(trap).not.toHaveBeenCalled();
  });
});

describe("arrays", () => {
  it("caps items with a trailing marker", () => {
    expect(snapshot([1, 2, 3, 4, 5], { maxItems: 2 })).toEqual([1, 2, "[+3 more]"]);
    expect(snapshot([], { maxItems: 0 })).toEqual([]);
    expect(snapshot([1], { maxItems: 0 })).toEqual(["[+1 more]"]);
  });

  it("holes render as null, index getters are not invoked", () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(snapshot([1, , 3])).toEqual([1, null, 3]);
    let reads = 0;
    const a = [0, 1];
    Object.defineProperty(a, 1, { get: () => ++reads, enumerable: true });
    expect(snapshot(a)).toEqual([0, "[Getter]"]);
    expect(reads).toBe(0);
    expect(snapshot(new Array(1e9), { maxItems: 2 })).toEqual([null, null, "[+999999998 more]"]);
  });
});

describe("objects", () => {
  it("plain and class instances: own enumerable string keys", () => {
    class Point {
      x = 1;
      y = 2;
      get len(): number {
        return 3;
      }
    }
    const sym = Symbol("s");
    const o = { a: 1, [sym]: 2 };
    Object.defineProperty(o, "hidden", { value: 1, enumerable: false });
    expect(snapshot(new Point())).toEqual({ x: 1, y: 2 });
    expect(snapshot(o)).toEqual({ a: 1 });
    expect(snapshot({ n: { m: "x" } })).toEqual({ n: { m: "x" } });
  });

  it("caps keys with a '[+N more]': N entry", () => {
    const o: Record<string, number> = {};
    for (let i = 0; i < 5; i++) o[`k${i}`] = i;
    expect(snapshot(o, { maxKeys: 2 })).toEqual({ k0: 0, k1: 1, "[+3 more]": 3 });
  });

  it("long keys are truncated too", () => {
    expect(snapshot({ ["k".repeat(10)]: 1 }, { maxStringLength: 3 })).toEqual({ "kkk…[+7 chars]": 1 });
  });

  it("getters are never invoked", () => {
    let calls = 0;
    const o = {
      get side(): number {
        return ++calls;
      },
      get boom(): number {
        throw new Error("boom");
      },
      plain: 1,
    };
    expect(snapshot(o)).toEqual({ side: "[Getter]", boom: "[Getter]", plain: 1 });
    expect(snapshotJson(o)).toBe('{"side":"[Getter]","boom":"[Getter]","plain":1}');
    expect(calls).toBe(0);
  });

  it("a throwing descriptor read renders [Throws]", () => {
    const gopd = Object.getOwnPropertyDescriptor;
    vi.spyOn(Object, "getOwnPropertyDescriptor").mockImplementation((o: object, k: PropertyKey) => {
      if (k === "bad") throw new Error("nope");
      return gopd(o, k);
    });
    expect(snapshot({ ok: 1, bad: 2 })).toEqual({ ok: 1, bad: "[Throws]" });
  });

  it("toJSON is not called", () => {
    let calls = 0;
    const toJSON = function toJSON(): string {
      calls++;
      return "replaced";
    };
    expect(snapshot({ a: 1, toJSON })).toEqual({ a: 1, toJSON: "[Function toJSON]" });
    expect(JSON.parse(snapshotJson({ a: 1, toJSON }))).toEqual({ a: 1, toJSON: "[Function toJSON]" });
    expect(calls).toBe(0);
  });

  it("prototype-less and frozen objects", () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.x = 1;
    expect(snapshot(bare)).toEqual({ x: 1 });
    const frozen = Object.freeze({ a: Object.freeze([1, Object.freeze({ b: 2 })]) });
    expect(snapshot(frozen)).toEqual({ a: [1, { b: 2 }] });
  });

  it("keeps a __proto__ key as own data", () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as object;
    const out = snapshot(input) as Record<string, JsonValue>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, "__proto__")).toBe(true);
    expect((out as { polluted?: unknown }).polluted).toBeUndefined();
    expect(snapshotJson(input)).toBe('{"__proto__":{"polluted":true},"a":1}');
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });
});

describe("proxies", () => {
  it("are never trapped, even when every trap throws or is revoked", () => {
    const trap = vi.fn(() => {
      throw new Error("trap");
    });
    const handler = { get: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap, apply: trap };
    const p = new Proxy({ a: 1 }, handler);
    const { proxy, revoke } = Proxy.revocable([1, 2], {});
    revoke();
    expect(snapshot(p)).toBe("[Proxy]");
    expect(snapshot({ p, list: [p], m: new Map([[p, p]]) })).toEqual({
      p: "[Proxy]",
      list: ["[Proxy]"],
      m: { "[Map]": [["[Proxy]", "[Proxy]"]] },
    });
    expect(snapshot(proxy)).toBe("[Proxy]");
    expect(trap).not.toHaveBeenCalled();
  });
});

describe("cycles and depth", () => {
  it("marks only true cycles as circular", () => {
    const shared = { v: 1 };
    const o: Record<string, unknown> = { a: shared, b: shared };
    o.self = o;
    const arr: unknown[] = [1];
    arr.push(arr);
    expect(snapshot(o)).toEqual({ a: { v: 1 }, b: { v: 1 }, self: "[Circular]" });
    expect(snapshot(arr)).toEqual([1, "[Circular]"]);
    const m = new Map<unknown, unknown>();
    m.set("me", m);
    expect(snapshot(m)).toEqual({ "[Map]": [["me", "[Circular]"]] });
  });

  it("renders containers deeper than maxDepth as placeholders", () => {
    const deep = { a: { b: { c: [1, 2, 3] } } };
    expect(snapshot(deep, { maxDepth: 3 })).toEqual({ a: { b: { c: [1, 2, 3] } } });
    expect(snapshot(deep, { maxDepth: 2 })).toEqual({ a: { b: { c: "[Array(3)]" } } });
    expect(snapshot(deep, { maxDepth: 1 })).toEqual({ a: { b: "[Object]" } });
    expect(snapshot({ x: [[1, 2, 3]] }, { maxDepth: 1 })).toEqual({ x: ["[Array(3)]"] });
    expect(snapshot({ x: new Map() }, { maxDepth: 0 })).toEqual({ x: "[Object]" });
    expect(snapshot([{}], { maxDepth: 0 })).toEqual(["[Object]"]);
    // leaves are not containers
    expect(snapshot({ d: new Date(0) }, { maxDepth: 0 })).toEqual({ d: "1970-01-01T00:00:00.000Z" });
    let nested: unknown = "end";
    for (let i = 0; i < 100; i++) nested = [nested];
    expect(snapshotJson(nested)).toBe(`${"[".repeat(9)}"[Array(1)]"${"]".repeat(9)}`);
  });
});

describe("total budget", () => {
  it("truncates remaining nodes once maxTotal is spent", () => {
    expect(snapshot({ a: 1 }, { maxTotal: 0 })).toBe("[Truncated]");
    const items = Array.from({ length: 50 }, (_, i) => `item-${i}-${"z".repeat(20)}`);
    const out = snapshot(items, { maxTotal: 100 }) as string[];
    expect(out.length).toBeLessThan(10);
    expect(out[out.length - 1]).toMatch(/^\[\+\d+ more\]$/);
    expect(out[0]).toBe(items[0]);
  });

  it("a string is cut to the remaining budget", () => {
    expect(snapshot(["y".repeat(50)], { maxTotal: 10 })).toEqual(["yyyyyyy…[+43 chars]"]);
  });

  it("escape-heavy strings are accounted for", () => {
    const ctl = "\u0001".repeat(200);
    const json = snapshotJson(Array.from({ length: 60 }, () => ctl), { maxTotal: 2000 });
    expect(json.length).toBeLessThanOrEqual(2000 + 512);
    expect(JSON.parse(json)).toBeInstanceOf(Array);
  });
});

describe("failure containment", () => {
  it("a node that throws becomes [Unserializable]", () => {
    const ab = new ArrayBuffer(8);
    const dv = new DataView(ab);
    structuredClone(ab, { transfer: [ab] }); // detach: byteLength now throws
    expect(snapshot({ dv, ok: true })).toEqual({ dv: "[Unserializable]", ok: true });
  });

  it("a catastrophe at the top level returns [Unserializable]", () => {
    const limits = {
      get maxDepth(): number {
        throw new Error("bad limits");
      },
    } as Partial<SnapshotLimits>;
    expect(snapshot({ a: 1 }, limits)).toBe("[Unserializable]");
    expect(snapshotJson({ a: 1 }, limits)).toBe('"[Unserializable]"');
  });
});

describe("inputs are never mutated", () => {
  it("deep-equals a structuredClone taken before", () => {
    const input = {
      s: "x".repeat(500),
      n: [1, 2, { deep: [new Date(5), /re/g] }],
      m: new Map<unknown, unknown>([["k", { v: new Set([1, 2]) }]]),
      big: Array.from({ length: 100 }, (_, i) => ({ i })),
      bytes: new Uint8Array([1, 2, 3]),
    };
    const before = structuredClone(input);
    snapshot(input, { maxItems: 3, maxKeys: 1, maxStringLength: 5, maxDepth: 2 });
    snapshotJson(input);
    expect(input).toEqual(before);
  });

  it("works on deeply frozen inputs and leaves them frozen", () => {
    const err = Object.freeze(new Error("frozen"));
    const input = Object.freeze({ list: Object.freeze([1, "two", Object.freeze({ three: 3 })]), err });
    expect(snapshot(input, noStack)).toEqual({ list: [1, "two", { three: 3 }], err: { name: "Error", message: "frozen" } });
    expect(Object.isFrozen(input) && Object.isFrozen(input.list) && Object.isFrozen(err)).toBe(true);
  });
});

describe("huge values", () => {
  it("10 MB string", () => {
    const s = "a".repeat(10 * 1024 * 1024);
    expect(snapshot(s)).toBe(`${"a".repeat(200)}…[+${s.length - 200} chars]`);
    snapshotJson(s);
  });

  it("1e6-element array", () => {
    const a = new Array<number>(1e6).fill(7);
    const out = snapshot(a) as JsonValue[];
    expect(out).toHaveLength(65);
    expect(out[64]).toBe(`[+${1e6 - 64} more]`);
    snapshotJson(a);
  });

  it("object with 1e5 keys", () => {
    const o: Record<string, number> = {};
    for (let i = 0; i < 1e5; i++) o[`key${i}`] = i;
    const out = snapshot(o) as Record<string, JsonValue>;
    expect(Object.keys(out)).toHaveLength(65);
    expect(out[`[+${1e5 - 64} more]`]).toBe(1e5 - 64);
    snapshotJson(o);
  });

  it("output stays bounded for wide and deep structures", () => {
    const wide = Array.from({ length: 64 }, () => Array.from({ length: 64 }, () => "w".repeat(200)));
    expect(snapshotJson(wide).length).toBeLessThanOrEqual(DEFAULT_LIMITS.maxTotal + 512);
    // worst case for overshoot: the budget runs out at the deepest level, every level adds a marker
    const filler = (i: number): string => `${i}${"\u0007".repeat(199)}`;
    let arrays: unknown = "leaf";
    let objects: unknown = "leaf";
    for (let d = 0; d < 20; d++) {
      arrays = [...Array.from({ length: 80 }, (_, i) => filler(i)), arrays].reverse();
      const o: Record<string, unknown> = { deeper: objects };
      for (let i = 0; i < 80; i++) o[filler(i)] = filler(i);
      objects = new Map([[filler(0), o]]);
    }
    for (const v of [arrays, objects]) {
      const json = snapshotJson(v);
      expect(json.length).toBeGreaterThan(DEFAULT_LIMITS.maxTotal - 1000);
      expect(json.length).toBeLessThanOrEqual(DEFAULT_LIMITS.maxTotal + 512);
      expect(json).toContain("[Truncated]");
    }
  });
});

describe("randomized adversarial values", () => {
  it("never throws, always parses, stays bounded, and runs no user code", () => {
    const adversary = createAdversary(0xc0a7);
    const { int, rnd } = adversary;
    const failures: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const value = adversary.next();
      const limits: Partial<SnapshotLimits> =
        i % 3 === 0
          ? {}
          : {
              maxStringLength: int(300),
              maxDepth: int(9),
              maxKeys: int(20),
              maxItems: int(20),
              maxTotal: int(4000),
              errorStack: rnd() < 0.5,
            };
      const maxTotal = limits.maxTotal ?? DEFAULT_LIMITS.maxTotal;
      // plain checks in the loop: 3000 × expect() would dominate the run time
      try {
        const json = snapshotJson(value, limits);
        snapshot(value, limits);
        JSON.parse(json);
        if (json.length > maxTotal + 512) failures.push(`#${i}: ${json.length} chars > ${maxTotal} + 512`);
      } catch (err) {
        failures.push(`#${i}: ${String(err)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(adversary.userCode()).toBe(0);
  });
});
