/**
 * Seeded adversarial values for property tests: cycles, deep nesting, throwing getters and Proxy
 * traps, BigInt, Symbols, typed arrays, huge and malformed strings, frozen and prototype-less
 * objects, errors with throwing messages. `userCode()` counts calls into user code (traps, getters).
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Adversary {
  /** The next random value. */
  next(): unknown;
  /** How many times a trap, getter or function of a generated value ran. */
  userCode(): number;
  rnd(): number;
  int(n: number): number;
}

export function createAdversary(seed: number): Adversary {
  const rnd = mulberry32(seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  let userCode = 0;
  const trap = (): never => {
    userCode++;
    throw new Error("trap");
  };
  const trapHandler: ProxyHandler<object> = {
    get: trap,
    has: trap,
    ownKeys: trap,
    getOwnPropertyDescriptor: trap,
    getPrototypeOf: trap,
    apply: trap,
    construct: trap,
  };
  const nasty = ["", "\u0000\u001f\"\\", "\ud800", "\udc00x", "😀".repeat(150), "x".repeat(5000), "__proto__", "constructor", "\u2028"];
  const hugeBigint = 1n << 5000n;
  const longRegExp = new RegExp("\\/".repeat(300));
  const revocable = Proxy.revocable({}, trapHandler);
  revocable.revoke();

  const leaves: (() => unknown)[] = [
    () => pick(nasty) + String(int(1000)),
    () => pick([0, -0, NaN, Infinity, -Infinity, 1e308, -5e-324, 2 ** 53, rnd()]),
    () => pick([true, false, null, undefined]),
    () => pick([0n, -(10n ** 50n), hugeBigint]),
    () => Symbol(pick(nasty)),
    () => function named() { userCode++; },
    () => class K { constructor() { userCode++; } },
    () => (int(2) ? new Date(int(1e12)) : new Date(NaN)),
    () => (int(2) ? /a+[b]/gimsuy : longRegExp),
    () => new Uint8Array(int(100)),
    () => Buffer.alloc(int(10)),
    () => new DataView(new ArrayBuffer(3)),
    () => new ArrayBuffer(int(9)),
    () => new WeakMap(),
    () => new WeakSet(),
    () => Promise.resolve(1),
    () => new Proxy({}, trapHandler),
    () => new Proxy(() => 1, trapHandler),
    () => revocable.proxy,
    () => new String("boxed"),
    () => new Number(-0),
    () => {
      const o = { plain: int(10) };
      Object.defineProperty(o, "getter", { get: trap, enumerable: true });
      return o;
    },
  ];

  const gen = (depth: number, ancestors: object[]): unknown => {
    if (ancestors.length > 0 && rnd() < 0.05) return pick(ancestors);
    if (depth > 6 || rnd() < 0.45 + depth / 8) return pick(leaves)();
    const kind = int(6);
    if (kind === 0 || kind === 1) {
      const a: unknown[] = [];
      ancestors.push(a);
      for (let i = int(8); i > 0; i--) if (rnd() > 0.1) a[i] = gen(depth + 1, ancestors);
      if (rnd() < 0.05) a[999_999] = "far"; // sparse, length 1e6
      ancestors.pop();
      return a;
    }
    if (kind === 2) {
      const o: Record<string, unknown> = int(4) === 0 ? Object.create(null) : {};
      ancestors.push(o);
      for (let i = int(8); i > 0; i--) {
        const k = pick(nasty).slice(0, 1 + int(300)) + String(i);
        Object.defineProperty(o, k, { value: gen(depth + 1, ancestors), enumerable: true, configurable: true, writable: true });
      }
      if (rnd() < 0.2) Object.freeze(o);
      ancestors.pop();
      return o;
    }
    if (kind === 3) {
      const isMap = int(2) === 0;
      const c = isMap ? new Map<unknown, unknown>() : new Set<unknown>();
      ancestors.push(c);
      for (let i = int(5); i > 0; i--) {
        if (c instanceof Map) c.set(gen(depth + 1, ancestors), gen(depth + 1, ancestors));
        else c.add(gen(depth + 1, ancestors));
      }
      ancestors.pop();
      return c;
    }
    if (kind === 4) {
      const Ctor = pick([Error, TypeError, RangeError, AggregateError]) as ErrorConstructor;
      const e: Error & { code?: unknown; cause?: unknown; errors?: unknown } =
        Ctor === (AggregateError as unknown) ? new AggregateError([], pick(nasty)) : new Ctor(pick(nasty));
      ancestors.push(e);
      if (int(2)) e.cause = gen(depth + 1, ancestors);
      if (int(2)) e.code = gen(depth + 1, ancestors);
      if (e instanceof AggregateError) e.errors = [gen(depth + 1, ancestors), e];
      if (int(4) === 0) {
        void e.stack; // V8 formats stacks lazily, reading message; see the errors test for that case
        Object.defineProperty(e, "message", { get: trap });
      }
      ancestors.pop();
      return e;
    }
    const root: unknown[] = [];
    let cur = root;
    for (let i = int(30); i > 0; i--) {
      const next: unknown[] = [pick(leaves)()];
      cur.push(next);
      cur = next;
    }
    cur.push(root);
    return root;
  };

  return { next: () => gen(0, []), userCode: () => userCode, rnd, int };
}
