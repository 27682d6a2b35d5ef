/**
 * The secret scrubber of the `redacted` capture mode: replaces secrets inside any string by a
 * marker that names the kind of secret and never echoes any part of it. Runs on every string of
 * every record, so the common case — nothing found — costs a few regular-expression scans and
 * returns the very same string. Never throws once created.
 *
 * What is found, and what deliberately is not, is documented in docs/redaction.md; the rules are
 * in secret-rules.ts and the key vocabulary in sensitive-keys.ts.
 */
import { reportOnce } from "../runtime/report.js";
import { KeyVocabulary } from "./sensitive-keys.js";
import { NUMBER_RULES, TOKEN_RULES, keyValueRules } from "./secret-rules.js";
import type { RuleGroup, ValueRule } from "./secret-rules.js";

export interface RedactionRules {
  /** Extra sensitive key names, matched like the built-in ones (case- and separator-insensitive). */
  keys?: readonly string[];
  /** Extra value patterns; the replacement marker is `[REDACTED:<name>]` (name defaults to "custom"). */
  patterns?: readonly (RegExp | { name: string; pattern: RegExp })[];
  /** Called last on every scrubbed string with the result of the built-in rules; returns the string to use. */
  custom?: (value: string, key: string | undefined) => string;
}

export interface Scrubber {
  /** The string with every secret replaced by a marker; the SAME string object when nothing matched. Never throws. */
  scrub(value: string, key?: string): string;
  /** True when a key / attribute name marks its whole value as sensitive. Memoized (bounded). */
  isSensitiveKey(key: string): boolean;
}

/** Marker for a value redacted because of its key; value rules use `[REDACTED:<kind>]`. */
export const REDACTED = "[REDACTED]";

const PATTERN_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const RULE_FIELDS: ReadonlySet<string> = new Set(["keys", "patterns", "custom"]);

interface CompiledRule {
  readonly rule: ValueRule;
  /** The rule alone, sticky, with its capture groups: tells what matched and where the secret is. */
  readonly sticky: RegExp;
  /** The rule's value pattern, sticky. */
  readonly value: RegExp | undefined;
  readonly marker: string;
}

/** Where a candidate secret lies, and what to do when it is turned down. */
interface Candidate {
  start: number;
  end: number;
  alternative: number;
  /** Where the scan goes on if the candidate is not a secret. */
  resume: number;
}

/**
 * Rules sharing one regular expression, scanned in one pass. The shared expression has no capture
 * groups — in V8 each one costs on every scan, found or not — so a hit is re-matched rule by rule,
 * in the same order, to learn which rule it was and where its secret lies.
 */
class RuleFamily {
  private readonly pattern: RegExp;
  /** Rules that can match where a match starts with an ASCII character; `beyondAscii` for the rest. */
  private readonly byFirstCharacter: (readonly CompiledRule[])[] = [];
  private readonly beyondAscii: readonly CompiledRule[];
  private readonly candidate: Candidate = { start: 0, end: 0, alternative: -1, resume: 0 };

  constructor(entries: readonly (ValueRule | RuleGroup)[]) {
    const rules: CompiledRule[] = [];
    const firsts: (ReadonlySet<number> | undefined)[] = [];
    const add = (rule: ValueRule, prefix = ""): string => {
      const source = uncountedLoops(rule.source);
      firsts.push(firstCharacters(prefix || source));
      rules.push({
        rule,
        sticky: new RegExp(`${prefix}(?:${source})`, "y"),
        value: rule.value === undefined ? undefined : new RegExp(uncountedLoops(rule.value), "y"),
        marker: rule.byKey ? REDACTED : `[REDACTED:${rule.name}]`,
      });
      return withoutCaptures(source);
    };
    const sources = entries.map((entry) => {
      if (!("rules" in entry)) return add(entry);
      const prefix = uncountedLoops(entry.prefix);
      return `${prefix}(?:${entry.rules.map((rule) => add(rule, prefix)).join("|")})`;
    });
    for (let c = 0; c < 128; c++) this.byFirstCharacter.push(rules.filter((_, i) => firsts[i]?.has(c) ?? true));
    this.beyondAscii = rules.filter((_, i) => firsts[i] === undefined);
    this.pattern = new RegExp(sources.join("|"), "g");
  }

  scan(subject: string): string {
    const pattern = this.pattern;
    pattern.lastIndex = 0;
    let found = pattern.exec(subject);
    if (found === null) return subject;
    let out = "";
    let copied = 0;
    do {
      const compiled = this.identify(subject, found.index);
      const candidate = this.locate(compiled, subject, found.index);
      if (candidate === undefined) continue;
      const { start, end, alternative } = candidate;
      const accept = compiled.rule.accept;
      if (start >= copied && end > start && (accept === undefined || accept(subject.slice(start, end), subject, end, alternative, found.index))) {
        out += subject.slice(copied, start) + compiled.marker;
        copied = end;
        pattern.lastIndex = end;
      } else {
        pattern.lastIndex = candidate.resume;
      }
    } while ((found = pattern.exec(subject)) !== null);
    return copied === 0 ? subject : out + subject.slice(copied);
  }

  private identify(subject: string, at: number): CompiledRule {
    const first = subject.charCodeAt(at);
    for (const compiled of first < 128 ? this.byFirstCharacter[first]! : this.beyondAscii) {
      compiled.sticky.lastIndex = at;
      if (compiled.sticky.test(subject)) return compiled;
    }
    throw new Error("a rule and its family disagree");
  }

  /** Undefined when the rule's guard turns the match down; the scan then goes on from the next character. */
  private locate(compiled: CompiledRule, subject: string, at: number): Candidate | undefined {
    const { rule, sticky, value } = compiled;
    if (rule.guard !== undefined && !rule.guard(subject, at)) return undefined;
    sticky.lastIndex = at;
    let match = sticky.exec(subject)!;
    let end = at + match[0].length;
    const candidate = this.candidate;
    let first = rule.lead ? 2 : 1;
    if (value !== undefined) {
      value.lastIndex = end;
      const valueMatch = value.exec(subject);
      if (valueMatch === null) return undefined;
      match = valueMatch;
      end += valueMatch[0].length;
      first = 1;
    }
    candidate.start = rule.lead ? at - match[1]!.length : at;
    candidate.end = end;
    candidate.alternative = -1;
    for (let g = first; g < match.length; g++) {
      const part = match[g];
      if (part !== undefined) {
        if (!rule.lead) candidate.start = end - part.length;
        candidate.alternative = g - first;
        break;
      }
    }
    // A value that is turned down holds no separator (see literalSecret): nothing starts inside it.
    candidate.resume = value !== undefined ? end : Math.max(at + 1, candidate.start);
    return candidate;
  }
}

/**
 * The characters a match of `source` can start with, when its first atom is a plain character, an
 * escape or a class that matches ASCII only; undefined when it could be anything.
 */
function firstCharacters(source: string): ReadonlySet<number> | undefined {
  const first = source.charAt(0);
  if (first === "" || "()^$.|?*+{".includes(first)) return undefined;
  const length = first === "\\" ? 2 : first === "[" ? source.search(/(?<!\\)\]/) + 1 : 1;
  if (length === 0 || /^[?*{]/.test(source.slice(length))) return undefined;
  const atom = new RegExp(`^${source.slice(0, length)}`);
  if (atom.test("\u00e9") || atom.test("\u4e2d")) return undefined;
  const characters = new Set<number>();
  for (let c = 0; c < 128; c++) if (atom.test(String.fromCharCode(c))) characters.add(c);
  return characters;
}

/**
 * `[a-z]{20,}` → `[a-z]{20}[a-z]*`, same meaning. V8 runs the open-ended count with one backtrack
 * entry per character and throws on a run of some megabytes; a plain star it runs in place.
 */
function uncountedLoops(source: string): string {
  return source.replace(/(\[(?:\\.|[^\]\\])*\])\{(\d+),\}/g, "$1{$2}$1*");
}

/** The same expression with every capturing group made non-capturing. */
function withoutCaptures(source: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      out += c + (source[i + 1] ?? "");
      i++;
    } else if (inClass) {
      if (c === "]") inClass = false;
      out += c;
    } else if (c === "[") {
      inClass = true;
      out += c;
    } else {
      out += c === "(" && source[i + 1] !== "?" ? "(?:" : c;
    }
  }
  return out;
}

/** Families split by what they start on, so that each regular expression skips text fast. */
function compileFamilies(vocabulary: KeyVocabulary): readonly RuleFamily[] {
  return [new RuleFamily(TOKEN_RULES), new RuleFamily(keyValueRules(vocabulary)), new RuleFamily(NUMBER_RULES)];
}

/** The built-in rules, compiled once and shared by every scrubber without extra keys. */
let builtIn: { vocabulary: KeyVocabulary; families: readonly RuleFamily[] } | undefined;

interface UserPattern {
  readonly name: string;
  readonly pattern: RegExp;
  readonly replace: (match: string) => string;
  hit: boolean;
}

export function createScrubber(rules: RedactionRules = {}): Scrubber {
  const { keys, patterns, custom } = validateRules(rules);
  let vocabulary: KeyVocabulary;
  let families: readonly RuleFamily[];
  if (keys.length === 0) {
    if (builtIn === undefined) {
      const shared = new KeyVocabulary();
      builtIn = { vocabulary: shared, families: compileFamilies(shared) };
    }
    ({ vocabulary, families } = builtIn);
  } else {
    vocabulary = new KeyVocabulary(keys);
    families = compileFamilies(vocabulary);
  }

  // The vocabulary memoizes its answers (bounded).
  const isSensitiveKey = (key: string): boolean => typeof key === "string" && vocabulary.isSensitive(key);

  function scrub(value: string, key?: string): string {
    if (typeof value !== "string") return value;
    let result = value;
    try {
      if (key !== undefined && isSensitiveKey(key)) {
        if (value !== "") result = REDACTED;
      } else {
        for (const family of families) result = family.scan(result);
      }
    } catch (error) {
      reportOnce("secret scrubber failed; the value was replaced whole", error);
      result = REDACTED;
    }
    for (const user of patterns) result = applyPattern(user, result);
    if (custom !== undefined) result = applyCustom(custom, result, key);
    return result;
  }

  return { scrub, isSensitiveKey };
}

function applyPattern(user: UserPattern, value: string): string {
  try {
    user.hit = false;
    const replaced = value.replace(user.pattern, user.replace);
    return user.hit ? replaced : value;
  } catch (error) {
    reportOnce(`redaction pattern "${user.name}" failed; skipped`, error);
    return value;
  }
}

function applyCustom(custom: NonNullable<RedactionRules["custom"]>, value: string, key: string | undefined): string {
  try {
    const result = custom(value, key);
    if (typeof result === "string") return result;
    reportOnce("redaction custom callback", `returned ${typeof result} instead of a string; its result was ignored`);
  } catch (error) {
    reportOnce("redaction custom callback failed; its result was ignored", error);
  }
  return value;
}

function validateRules(rules: RedactionRules): { keys: readonly string[]; patterns: UserPattern[]; custom: RedactionRules["custom"] } {
  if (typeof rules !== "object" || rules === null || Array.isArray(rules)) {
    throw new TypeError("agent-coat redaction rules must be an object with keys, patterns and custom");
  }
  for (const field of Object.keys(rules)) {
    if (!RULE_FIELDS.has(field)) throw new TypeError(`agent-coat redaction rules: unknown field "${field}" (expected keys, patterns or custom)`);
  }
  const keys = rules.keys ?? [];
  if (!Array.isArray(keys)) throw new TypeError("agent-coat redaction rules: keys must be an array of key names");
  keys.forEach((key: unknown, i) => {
    if (typeof key !== "string" || !/[A-Za-z0-9]/.test(key)) {
      throw new TypeError(`agent-coat redaction rules: keys[${i}] must be a key name with a letter or digit, got ${describe(key)}`);
    }
  });
  const patterns = rules.patterns ?? [];
  if (!Array.isArray(patterns)) throw new TypeError("agent-coat redaction rules: patterns must be an array");
  const compiled = patterns.map((entry: unknown, i): UserPattern => {
    const named = entry instanceof RegExp ? { name: "custom", pattern: entry } : entry;
    const { name, pattern } = (named ?? {}) as { name?: unknown; pattern?: unknown };
    if (!(pattern instanceof RegExp)) {
      throw new TypeError(`agent-coat redaction rules: patterns[${i}] must be a RegExp or { name, pattern: RegExp }, got ${describe(entry)}`);
    }
    if (typeof name !== "string" || !PATTERN_NAME.test(name)) {
      throw new TypeError(`agent-coat redaction rules: patterns[${i}].name must be 1-64 letters, digits, "_", "." or "-", got ${describe(name)}`);
    }
    const marker = `[REDACTED:${name}]`;
    const user: UserPattern = {
      name,
      pattern: new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, "") + "g"),
      replace: (match) => {
        if (match === "") return match;
        user.hit = true;
        return marker;
      },
      hit: false,
    };
    return user;
  });
  if (rules.custom !== undefined && typeof rules.custom !== "function") {
    throw new TypeError(`agent-coat redaction rules: custom must be a function, got ${describe(rules.custom)}`);
  }
  return { keys, patterns: compiled, custom: rules.custom };
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}
