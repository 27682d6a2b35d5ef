/**
 * JSON-safe, bounded snapshots of arbitrary values. Never throws, never mutates,
 * never calls user code it can avoid (no getters, no toJSON, no proxy traps).
 *
 * Rendering rules:
 * - string: truncateString(s, maxStringLength) → "abc…[+N chars]".
 * - number: itself; -0 → 0; NaN / Infinity / -Infinity → "NaN" / "Infinity" / "-Infinity".
 * - boolean, null: itself. undefined → "[undefined]" everywhere (top level, items, values).
 * - bigint → "123n" (|v| ≥ 2^4096 → "[BigInt(huge)]"); symbol → "Symbol(desc)".
 * - function / class → "[Function name]" or "[Function anonymous]".
 * - Date → ISO string or "Invalid Date"; RegExp → "/src/flags"; boxed primitive → its primitive.
 * - Error → { name, message, stack?, code?, cause?, errors? } from data properties (a getter →
 *   "[Getter]"); stack only if errorStack, capped at 4 × maxStringLength; cause/errors only when
 *   own. Caveat: V8 formats a stack lazily on first read, running Error.prepareStackTrace (which
 *   may read message getters); if that throws, stack is "[Throws]".
 * - Map → { "[Map]": [[k, v], …] }; Set → { "[Set]": [v, …] }; maxKeys entries, then "[+N more]".
 * - ArrayBuffer / SharedArrayBuffer / DataView / typed array / Buffer → "[Uint8Array(len)]".
 * - WeakMap / WeakSet / Promise / Proxy → "[WeakMap]" / "[WeakSet]" / "[Promise]" / "[Proxy]".
 * - Array → first maxItems items (holes → null), then "[+N more]" if anything was left out.
 * - Object → own enumerable string keys, first maxKeys, then a "[+N more]": N entry.
 *   Accessors → "[Getter]" (never invoked); a throwing descriptor read → "[Throws]".
 *   A "__proto__" key stays an own data key; symbol keys are ignored.
 * - Cycle (value is its own ancestor) → "[Circular]"; a repeated sibling is rendered again.
 * - Container deeper than maxDepth (top level = depth 0) → "[Array(n)]" or "[Object]".
 * - Output budget (maxTotal, in JSON chars) spent → further nodes "[Truncated]"; the last string
 *   is cut to what is left; containers stop and append their "[+N more]" marker. The overshoot is
 *   ~25 chars per open container level plus one string, i.e. < 512 at the default maxDepth.
 * - Anything that throws → "[Unserializable]" for that node.
 *
 * With a policy (markers above carry no content and stay as they are):
 * - redacted: strings are scrubbed of secrets before they are cut; the value of a sensitive key
 *   (password, api_key, authorization …) becomes "[REDACTED]" without being looked at.
 * - hash: every leaf becomes digest(JSON text of the leaf as rendered above, strings uncut);
 *   error names stay readable.
 * - summary: "string(N)" (N = full length), "number", "boolean", "null", "bigint", "symbol",
 *   "function", "date", "regexp", "array(N)", "map(N)", "set(N)"; objects keep their keys;
 *   error names stay readable.
 */
import { Buffer } from "node:buffer";
import { types } from "node:util";
import type { ContentPolicy } from "./policy.js";
import { scrubForCap } from "./policy.js";
import { REDACTED } from "./secrets.js";
import { flat } from "../runtime/flat-string.js";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

export interface SnapshotLimits {
  maxStringLength: number; // UTF-16 units per string (default 200)
  maxDepth: number; // containers nested deeper than this become placeholders (default 8)
  maxKeys: number; // own keys per object, entries per Map / Set (default 64)
  maxItems: number; // array items (default 64)
  maxTotal: number; // approximate budget of output characters (default 16384)
  errorStack: boolean; // include Error stacks, capped at 4 × maxStringLength (default true)
  /** Renders content for the redacted, hash or summary mode (see below); absent = as is. */
  policy?: ContentPolicy;
}

export const DEFAULT_LIMITS: Readonly<SnapshotLimits> = Object.freeze({
  maxStringLength: 200,
  maxDepth: 8,
  maxKeys: 64,
  maxItems: 64,
  maxTotal: 16384,
  errorStack: true,
});

const TRUNCATED = "[Truncated]";
const UNSERIALIZABLE = "[Unserializable]";
const GETTER = "[Getter]";
const THROWS = "[Throws]";
const ABSENT = Symbol("absent");
const ACCESSOR = Symbol("accessor");
const SLACK = 32; // tolerated overshoot for the last string that fits the budget
const HUGE_BIGINT = 1n << 4096n;

// Intrinsics captured at load time so later monkey-patching (or instance overrides) can't reach us.
type Getter<T> = (this: unknown) => T;
const getter = <T>(proto: object, key: PropertyKey) => Object.getOwnPropertyDescriptor(proto, key)!.get as Getter<T>;
const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const taLength = getter<number>(TypedArrayProto, "length");
const taName = getter<string>(TypedArrayProto, Symbol.toStringTag);
const dvLength = getter<number>(DataView.prototype, "byteLength");
const abLength = getter<number>(ArrayBuffer.prototype, "byteLength");
const sabLength = getter<number>(SharedArrayBuffer.prototype, "byteLength");
const mapSize = getter<number>(Map.prototype, "size");
const setSize = getter<number>(Set.prototype, "size");
const symbolDesc = getter<string | undefined>(Symbol.prototype, "description");
const mapEntries = Map.prototype.entries;
const setValues = Set.prototype.values;
const mapIterNext = Object.getPrototypeOf(new Map().entries()).next as (this: unknown) => IteratorResult<[unknown, unknown]>;
const setIterNext = Object.getPrototypeOf(new Set().values()).next as (this: unknown) => IteratorResult<unknown>;
const dateTime = Date.prototype.getTime;
const dateIso = Date.prototype.toISOString;
const regexpToString = RegExp.prototype.toString;
// Newer V8 versions expose `stack` as an engine-provided accessor; only that exact getter is called.
const nativeStackGet = Object.getOwnPropertyDescriptor(new Error(), "stack")?.get;

/** First `max` UTF-16 units of `s` (never splitting a surrogate pair) + "…[+N chars]"; `s` itself if it fits. */
export function truncateString(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = max > 0 ? Math.floor(max) : 0;
  const hi = s.charCodeAt(cut - 1);
  const lo = s.charCodeAt(cut);
  if (hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff) cut--;
  return `${s.slice(0, cut)}…[+${s.length - cut} chars]`;
}

/** Characters JSON.stringify escapes (surrogates: only lone ones, but any sends the string the slow way). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** Length of JSON.stringify(s). */
function jsonLength(s: string): number {
  if (!NEEDS_ESCAPE.test(s)) return s.length + 2;
  let n = s.length + 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20) n += c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 1 : 5;
    else if (c === 34 || c === 92) n += 1;
    else if (c >= 0xd800 && c <= 0xdfff) {
      const d = s.charCodeAt(i + 1);
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) i++;
      else n += 5; // lone surrogates are emitted as \udxxx
    }
  }
  return n;
}

/** A data property of `o` or its prototype chain, else undefined; never runs a getter or a Proxy trap. */
export function readDataProperty(o: unknown, key: string): unknown {
  if (o === null || (typeof o !== "object" && typeof o !== "function") || types.isProxy(o)) return undefined;
  try {
    const value = lookup(o, key, false);
    return value === ABSENT || value === ACCESSOR ? undefined : value;
  } catch {
    return undefined;
  }
}

/** readDataProperty, when the value is a string. */
export function readStringProperty(o: unknown, key: string): string | undefined {
  const value = readDataProperty(o, key);
  return typeof value === "string" ? value : undefined;
}

/** Data value of `key` on `o` (or its prototype chain), ACCESSOR for a getter, ABSENT if missing. */
function lookup(o: object, key: string, ownOnly: boolean): unknown {
  for (let p: object | null = o, i = 0; p !== null && i < 64; p = Object.getPrototypeOf(p), i++) {
    // Object.prototype is never a Proxy, and `in` on it runs no code: most absent keys end here cheaply.
    if (p === Object.prototype) {
      if (!(key in p)) return ABSENT;
    } else if (types.isProxy(p)) return ABSENT;
    const d = Object.getOwnPropertyDescriptor(p, key);
    if (d) return "value" in d ? d.value : d.get !== undefined && d.get === nativeStackGet ? d.get.call(o) : ACCESSOR;
    if (ownOnly) break;
  }
  return ABSENT;
}

/** `proto` is on the prototype chain of (non-proxy) `v`: instanceof without running proxy traps. */
function inherits(v: object, proto: object): boolean {
  for (let p = Object.getPrototypeOf(v), i = 0; p !== null && i < 64; p = Object.getPrototypeOf(p), i++) {
    if (p === proto) return true;
    if (types.isProxy(p)) return false;
  }
  return false;
}

function put(out: { [k: string]: JsonValue }, key: string, value: JsonValue): void {
  if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

type Leaf = "number" | "boolean" | "null" | "bigint" | "symbol" | "function" | "date" | "regexp";

class Walker {
  private left: number;
  private readonly ancestors: object[] = [];
  private readonly policy: ContentPolicy | undefined;
  constructor(private readonly lim: SnapshotLimits) {
    this.left = lim.maxTotal;
    const mode = lim.policy?.mode;
    this.policy = mode === "redacted" || mode === "hash" || mode === "summary" ? lim.policy : undefined;
  }

  /** A non-string leaf (`json` = its rendering as is): kept, digested or summarised. */
  private leafOf(type: Leaf, json: JsonValue): JsonValue {
    const policy = this.policy;
    if (policy === undefined || policy.mode === "redacted") return json;
    if (policy.mode === "summary") return this.fixed(type);
    return this.fixed(policy.digest(JSON.stringify(json)));
  }

  /** A string leaf with user content, rendered per mode. */
  private text(s: string, max = this.lim.maxStringLength): string {
    const policy = this.policy;
    if (policy === undefined) return this.emit(this.clip(s, max));
    if (policy.mode === "redacted") return this.emit(this.clip(scrubForCap(policy.scrubber, s, max), max));
    if (policy.mode === "summary") return this.fixed(`string(${s.length})`);
    return this.fixed(policy.digest(JSON.stringify(s)));
  }

  node(v: unknown, depth: number): JsonValue {
    const mark = this.ancestors.length;
    try {
      return this.render(v, depth);
    } catch {
      this.ancestors.length = mark;
      return this.fixed(UNSERIALIZABLE);
    }
  }

  /** A marker with no user content. */
  private fixed(s: string): string {
    this.left -= s.length + 2;
    return s;
  }

  /** A string that may carry user content: charged exactly, replaced if it would blow the budget. */
  private emit(s: string): string {
    const cost = jsonLength(s);
    if (cost > this.left + SLACK) {
      this.left = 0;
      return TRUNCATED;
    }
    this.left -= cost;
    return s;
  }

  private clip(s: string, max = this.lim.maxStringLength): string {
    return truncateString(s, max < this.left ? max : this.left);
  }

  private render(v: unknown, depth: number): JsonValue {
    if (this.left <= 0) return this.fixed(TRUNCATED);
    switch (typeof v) {
      case "string":
        return this.text(v);
      case "number":
        if (this.policy !== undefined) return this.leafOf("number", Number.isFinite(v) ? (v === 0 ? 0 : v) : String(v));
        if (!Number.isFinite(v)) return this.fixed(String(v));
        this.left -= String(v).length;
        return v === 0 ? 0 : v;
      case "boolean":
        this.left -= 5;
        return this.policy === undefined ? v : this.leafOf("boolean", v);
      case "undefined":
        return this.fixed("[undefined]");
      case "bigint":
        if (v >= HUGE_BIGINT || v <= -HUGE_BIGINT) return this.fixed("[BigInt(huge)]");
        if (this.policy !== undefined && this.policy.mode !== "redacted") return this.leafOf("bigint", `${v.toString()}n`);
        return this.emit(`${this.clip(v.toString())}n`);
      case "symbol":
        if (this.policy !== undefined && this.policy.mode !== "redacted") return this.leafOf("symbol", `Symbol(${symbolDesc.call(v) ?? ""})`);
        return this.emit(`Symbol(${this.clip(symbolDesc.call(v) ?? "")})`);
      case "function": {
        if (types.isProxy(v)) return this.fixed("[Proxy]");
        const d = Object.getOwnPropertyDescriptor(v, "name");
        const name = d && typeof d.value === "string" && d.value !== "" ? d.value : "anonymous";
        if (this.policy !== undefined && this.policy.mode !== "redacted") return this.leafOf("function", `[Function ${name}]`);
        return this.emit(`[Function ${this.clip(name)}]`);
      }
    }
    if (v === null) {
      this.left -= 4;
      return this.policy === undefined ? null : this.leafOf("null", null);
    }
    return this.object(v as object, depth);
  }

  private object(v: object, depth: number): JsonValue {
    if (types.isProxy(v)) return this.fixed("[Proxy]");
    const isArray = Array.isArray(v);
    const proto: unknown = isArray ? null : Object.getPrototypeOf(v);
    // Fast path: objects straight off Object.prototype (or null) are treated as plain, skipping
    // the built-in checks (a built-in re-parented onto them renders as a plain object).
    const plain = isArray || proto === Object.prototype || proto === null;
    if (!plain) {
      const leaf = this.leaf(v, depth);
      if (leaf !== undefined) return leaf;
    }
    if (this.ancestors.includes(v)) return this.fixed("[Circular]");
    if (isArray && this.policy?.mode === "summary") return this.fixed(`array(${(v as unknown[]).length})`);
    if (depth > this.lim.maxDepth) return this.fixed(isArray ? `[Array(${(v as unknown[]).length})]` : "[Object]");
    this.ancestors.push(v);
    let out: JsonValue;
    if (isArray) out = this.array(v as unknown[], depth);
    else if (plain) out = this.plain(v, depth);
    else if (types.isMap(v)) out = this.policy?.mode === "summary" ? this.fixed(`map(${mapSize.call(v)})`) : { "[Map]": this.collection(mapSize.call(v), mapEntries.call(v), mapIterNext, true, depth) };
    else if (types.isSet(v)) out = this.policy?.mode === "summary" ? this.fixed(`set(${setSize.call(v)})`) : { "[Set]": this.collection(setSize.call(v), setValues.call(v), setIterNext, false, depth) };
    else if (types.isNativeError(v) || inherits(v, Error.prototype)) out = this.error(v, depth);
    else out = this.plain(v, depth);
    this.ancestors.pop();
    return out;
  }

  /** Values rendered without looking inside; undefined if `v` is not one of them. */
  private leaf(v: object, depth: number): JsonValue | undefined {
    if (types.isDate(v)) {
      const t = dateTime.call(v);
      return this.leafOf("date", this.fixed(t !== t ? "Invalid Date" : dateIso.call(v)));
    }
    if (types.isRegExp(v)) return this.policy === undefined || this.policy.mode === "redacted" ? this.text(regexpToString.call(v)) : this.leafOf("regexp", regexpToString.call(v));
    if (types.isArrayBufferView(v)) {
      if (types.isDataView(v)) return this.fixed(`[DataView(${dvLength.call(v)})]`);
      return this.fixed(`[${inherits(v, Buffer.prototype) ? "Buffer" : taName.call(v)}(${taLength.call(v)})]`);
    }
    if (types.isArrayBuffer(v)) return this.fixed(`[ArrayBuffer(${abLength.call(v)})]`);
    if (types.isSharedArrayBuffer(v)) return this.fixed(`[SharedArrayBuffer(${sabLength.call(v)})]`);
    if (types.isBoxedPrimitive(v)) return this.render(unbox(v), depth);
    if (types.isPromise(v)) return this.fixed("[Promise]");
    if (types.isWeakMap(v)) return this.fixed("[WeakMap]");
    if (types.isWeakSet(v)) return this.fixed("[WeakSet]");
    return undefined;
  }

  private array(a: unknown[], depth: number): JsonValue[] {
    const n = a.length;
    const shown = Math.min(n, this.lim.maxItems);
    const out: JsonValue[] = [];
    this.left -= 2;
    let i = 0;
    for (; i < shown && this.left > 0; i++) {
      this.left -= 1;
      const d = Object.getOwnPropertyDescriptor(a, i);
      if (d === undefined) this.left -= 4;
      out.push(d === undefined ? null : "value" in d ? this.node(d.value, depth + 1) : this.fixed(GETTER));
    }
    if (i < n) out.push(this.fixed(`[+${n - i} more]`));
    return out;
  }

  private collection(size: number, it: unknown, next: (this: unknown) => IteratorResult<unknown>, pairs: boolean, depth: number): JsonValue[] {
    const shown = Math.min(size, this.lim.maxKeys);
    const out: JsonValue[] = [];
    this.left -= 12;
    let i = 0;
    for (; i < shown && this.left > 0; i++) {
      const r = next.call(it);
      if (r.done) break;
      this.left -= pairs ? 4 : 1;
      const e = r.value as [unknown, unknown];
      out.push(pairs ? [this.node(e[0], depth + 1), this.sensitive(e[0]) ? this.fixed(REDACTED) : this.node(e[1], depth + 1)] : this.node(r.value, depth + 1));
    }
    if (i < size) out.push(this.fixed(`[+${size - i} more]`));
    return out;
  }

  private plain(o: object, depth: number): JsonValue {
    const keys = Object.keys(o);
    const n = keys.length;
    const shown = Math.min(n, this.lim.maxKeys);
    const out: { [k: string]: JsonValue } = {};
    this.left -= 2;
    let i = 0;
    for (; i < shown && this.left > 0; i++) {
      const own = keys[i]!;
      const key = this.policy?.mode === "redacted" ? this.emit(this.clip(this.policy.scrubber.scrub(own))) : this.emit(this.clip(own));
      this.left -= 2;
      let value: JsonValue;
      try {
        const d = Object.getOwnPropertyDescriptor(o, own);
        value = d === undefined ? this.fixed("[undefined]") : this.sensitive(own) ? this.fixed(REDACTED) : "value" in d ? this.node(d.value, depth + 1) : this.fixed(GETTER);
      } catch {
        value = this.fixed(THROWS);
      }
      put(out, key, value);
    }
    if (i < n) put(out, this.fixed(`[+${n - i} more]`), n - i);
    return out;
  }

  /** In redacted mode: a key whose value must not be looked at. */
  private sensitive(key: unknown): boolean {
    return this.policy?.mode === "redacted" && typeof key === "string" && this.policy.scrubber.isSensitiveKey(key);
  }

  private error(e: object, depth: number): JsonValue {
    this.left -= 20;
    const name = lookup(e, "name", false);
    const message = lookup(e, "message", false);
    // The error type is not content (none mode keeps it too): readable in every mode.
    const readableName = typeof name === "string" && this.policy !== undefined && this.policy.mode !== "redacted";
    const out: { [k: string]: JsonValue } = {
      name: name === ABSENT ? this.fixed("Error") : readableName ? this.emit(this.clip(name as string)) : this.field(name, depth),
      message: message === ABSENT ? this.fixed("") : this.field(message, depth),
    };
    for (const key of ["stack", "code", "cause", "errors"]) {
      if (this.left <= 0) break;
      if (key === "stack" && !this.lim.errorStack) continue;
      const ownOnly = key === "cause" || key === "errors";
      let v: unknown;
      try {
        v = lookup(e, key, ownOnly); // V8 formats stacks lazily: this may run Error.prepareStackTrace
      } catch {
        v = THROWS;
      }
      // stack and code are noise when undefined; an explicit own cause/errors stays visible.
      if (v === ABSENT || (v === undefined && !ownOnly)) continue;
      this.left -= key.length + 4;
      out[key] = key === "stack" && typeof v === "string" ? this.text(v, this.lim.maxStringLength * 4) : this.field(v, depth);
    }
    return out;
  }

  private field(v: unknown, depth: number): JsonValue {
    return v === ACCESSOR ? this.fixed(GETTER) : this.node(v, depth + 1);
  }
}

function unbox(v: object): unknown {
  if (types.isStringObject(v)) return String.prototype.valueOf.call(v);
  if (types.isNumberObject(v)) return Number.prototype.valueOf.call(v);
  if (types.isBooleanObject(v)) return Boolean.prototype.valueOf.call(v);
  if (types.isBigIntObject(v)) return BigInt.prototype.valueOf.call(v);
  return Symbol.prototype.valueOf.call(v);
}

function resolveLimits(limits: Partial<SnapshotLimits> | undefined): SnapshotLimits {
  if (limits == null) return DEFAULT_LIMITS;
  const out = { ...DEFAULT_LIMITS };
  for (const k of ["maxStringLength", "maxDepth", "maxKeys", "maxItems", "maxTotal"] as const) {
    const v = limits[k];
    if (typeof v === "number" && v >= 0) out[k] = v;
  }
  if (typeof limits.errorStack === "boolean") out.errorStack = limits.errorStack;
  if (limits.policy !== undefined) out.policy = limits.policy;
  return out;
}

export function snapshot(value: unknown, limits?: Partial<SnapshotLimits>): JsonValue {
  try {
    return new Walker(resolveLimits(limits)).node(value, 0);
  } catch {
    return UNSERIALIZABLE;
  }
}

export function snapshotJson(value: unknown, limits?: Partial<SnapshotLimits>): string {
  try {
    return JSON.stringify(snapshot(value, limits));
  } catch {
    return `"${UNSERIALIZABLE}"`;
  }
}

/** Raised inside the fast JSON writer when the value needs the full walker. */
const BAIL: unique symbol = Symbol("bail");

/**
 * JSON.stringify(snapshot(value, limits)), written directly for the common case: plain objects and
 * arrays of strings, numbers, booleans and null, within every limit, in no mode or redacted with a
 * scrubber that runs no user code. The budget is charged exactly as the walker charges it; anything
 * the walker would render differently from "as is" (a marker, a cut by the budget, a key changed by
 * scrubbing, any other type) sends the value to the walker, so the text is the walker's, byte for byte.
 * Undefined when the value needs the walker.
 */
export function fastSnapshotJson(value: unknown, limits: SnapshotLimits): string | undefined {
  const policy = limits.policy;
  const mode = policy?.mode;
  if (mode !== undefined && mode !== "none" && mode !== "raw" && !(mode === "redacted" && policy!.pure === true)) return undefined;
  if (value === null || typeof value !== "object") return undefined;
  const writer = new FastWriter(limits, mode === "redacted" ? policy : undefined);
  try {
    return flat(writer.node(value, 0));
  } catch (error) {
    if (error === BAIL) return undefined;
    return undefined;
  }
}

// Object keys come back call after call: the quoted text of those found clean and not sensitive,
// per scrubber (a pure one: the same key always scrubs the same), kept for the fast writer.
const KNOWN_KEYS_LIMIT = 2048;
const KNOWN_KEY_LONGEST = 128;
const unscrubbedKeys = new Map<string, string>();
const scrubbedKeys = new WeakMap<object, Map<string, string>>();

function plainKeys(policy: ContentPolicy | undefined): Map<string, string> {
  if (policy === undefined) return unscrubbedKeys;
  let known = scrubbedKeys.get(policy.scrubber);
  if (known === undefined) scrubbedKeys.set(policy.scrubber, (known = new Map()));
  return known;
}

class FastWriter {
  private left: number;
  private readonly ancestors: object[] = [];
  private readonly known: Map<string, string>;
  constructor(
    private readonly lim: SnapshotLimits,
    private readonly policy: ContentPolicy | undefined,
  ) {
    this.left = lim.maxTotal;
    this.known = plainKeys(policy);
  }

  /** A string with user content: as the walker's emit(clip(…)), quoted; bails where the budget would cut it. */
  private text(s: string, max: number): string {
    const clipped = truncateString(s, max < this.left ? max : this.left);
    let cost: number;
    let quoted: string;
    if (NEEDS_ESCAPE.test(clipped)) {
      cost = jsonLength(clipped);
      quoted = JSON.stringify(clipped);
    } else {
      cost = clipped.length + 2;
      quoted = `"${clipped}"`;
    }
    if (cost > this.left + SLACK) throw BAIL;
    this.left -= cost;
    return quoted;
  }

  node(v: unknown, depth: number): string {
    if (this.left <= 0) throw BAIL;
    switch (typeof v) {
      case "string": {
        const max = this.lim.maxStringLength;
        return this.text(this.policy === undefined ? v : scrubForCap(this.policy.scrubber, v, max), max);
      }
      case "number":
        if (!Number.isFinite(v)) {
          const s = String(v);
          if (this.policy === undefined) this.left -= s.length + 2;
          return `"${s}"`;
        }
        if (this.policy === undefined) this.left -= String(v).length;
        return v === 0 ? "0" : String(v);
      case "boolean":
        this.left -= 5;
        return v ? "true" : "false";
      case "undefined":
        this.left -= 13;
        return '"[undefined]"';
      case "object":
        break;
      default:
        throw BAIL;
    }
    if (v === null) {
      this.left -= 4;
      return "null";
    }
    if (types.isProxy(v)) throw BAIL;
    const isArray = Array.isArray(v);
    if (!isArray) {
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) throw BAIL;
    }
    if (depth > this.lim.maxDepth || this.ancestors.includes(v)) throw BAIL;
    this.ancestors.push(v);
    const out = isArray ? this.array(v as unknown[], depth) : this.plain(v, depth);
    this.ancestors.pop();
    return out;
  }

  private array(a: unknown[], depth: number): string {
    const n = a.length;
    if (n > this.lim.maxItems) throw BAIL;
    this.left -= 2;
    let out = "[";
    for (let i = 0; i < n; i++) {
      if (this.left <= 0) throw BAIL;
      this.left -= 1;
      const d = Object.getOwnPropertyDescriptor(a, i);
      if (d === undefined || !("value" in d)) throw BAIL;
      if (i > 0) out += ",";
      out += this.node(d.value, depth + 1);
    }
    return out + "]";
  }

  private plain(o: object, depth: number): string {
    const keys = Object.keys(o);
    const n = keys.length;
    if (n > this.lim.maxKeys) throw BAIL;
    this.left -= 2;
    const policy = this.policy;
    const max = this.lim.maxStringLength;
    const known = this.known;
    let out = "{";
    for (let i = 0; i < n; i++) {
      if (this.left <= 0) throw BAIL;
      const own = keys[i]!;
      // A key the walker would change (scrubbed or cut) may collide with another: the walker's business.
      if (own === "__proto__" || own.length > max || own.length >= this.left) throw BAIL;
      // A key seen before, found clean and not sensitive by this very scrubber: its quoted text.
      let key = known.get(own);
      let plainKey = key !== undefined;
      if (key !== undefined) {
        // The text() of a key that fits (checked just above): its cost is its quoted length.
        if (key.length > this.left + SLACK) throw BAIL;
        this.left -= key.length;
      } else {
        if (policy !== undefined && policy.scrubber.scrub(own) !== own) throw BAIL;
        key = this.text(own, max);
        plainKey = policy === undefined || !policy.scrubber.isSensitiveKey(own);
        if (plainKey && own.length <= KNOWN_KEY_LONGEST) {
          if (known.size >= KNOWN_KEYS_LIMIT) known.clear();
          known.set(own, key);
        }
      }
      this.left -= 2;
      const d = Object.getOwnPropertyDescriptor(o, own);
      let value: string;
      if (d === undefined) {
        this.left -= 13;
        value = '"[undefined]"';
      } else if (!plainKey) {
        this.left -= REDACTED.length + 2;
        value = JSON.stringify(REDACTED);
      } else if ("value" in d) value = this.node(d.value, depth + 1);
      else throw BAIL;
      if (i > 0) out += ",";
      out += key + ":" + value;
    }
    return out + "}";
  }
}
