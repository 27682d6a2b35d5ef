/**
 * Which key names mark their value as sensitive.
 *
 * The rule: a key is split into lower-cased words at every character that is not an ASCII letter
 * or digit and at camelCase boundaries (`apiKey` → api key, `HTTPHeader` → http header). Trailing
 * qualifier words (`_hash`, `_confirm`, `Value`, …) are set aside; the key is sensitive when its
 * last one, two or three remaining words, joined, are a sensitive name (`password`,
 * `api`+`key`, `secret`+`access`+`key`…), or when its last word is a single run that ends with a
 * distinctive name (`MYTOKEN`, `dbpassword`). Deciding by the last words is what keeps
 * `llm.token_count.prompt`, `session.id`, `token_type` or `max_tokens` apart from `auth_token`.
 *
 * Keys written in text (`password=…`, `"api_key": "…"`, `Authorization: …`) are found by a loose
 * pattern on their last word and confirmed here (see secret-rules.ts), so an attribute key and a
 * key written in text are judged by the same rule.
 */

interface SensitiveName {
  readonly words: readonly string[];
  /** Also matches at the end of a longer single-word key (`mytoken`). */
  readonly asSuffix?: boolean;
  /** Not sensitive right after one of these words (`first_token`, `next_token`). */
  readonly unlessAfter?: readonly string[];
}

const NOT_A_CREDENTIAL_TOKEN = [
  "first", "last", "next", "prev", "previous", "page", "continuation", "pagination", "cursor", "sync",
  "per", "max", "min", "num", "total", "input", "output", "prompt", "completion", "eos", "bos", "pad",
  "unk", "sep", "cls", "mask", "special", "stop", "start", "end",
];
const NOT_A_PASSWORD_PASS = ["first", "second", "last", "next", "single", "multi", "double", "two", "one", "no"];
const NO_PASSWORD = ["no"];

const BUILT_IN: readonly SensitiveName[] = [
  { words: ["password"], asSuffix: true, unlessAfter: NO_PASSWORD },
  { words: ["passwd"], asSuffix: true, unlessAfter: NO_PASSWORD },
  { words: ["pwd"] },
  { words: ["pass"], unlessAfter: NOT_A_PASSWORD_PASS },
  { words: ["passphrase"], asSuffix: true },
  { words: ["passcode"], asSuffix: true },
  { words: ["secret"], asSuffix: true },
  { words: ["secrets"] },
  { words: ["token"], asSuffix: true, unlessAfter: NOT_A_CREDENTIAL_TOKEN },
  { words: ["bearer"] },
  { words: ["api", "key"], asSuffix: true },
  { words: ["app", "key"] },
  { words: ["private", "key"], asSuffix: true },
  { words: ["secret", "key"], asSuffix: true },
  { words: ["access", "key"], asSuffix: true },
  { words: ["signing", "key"] },
  { words: ["encryption", "key"] },
  { words: ["master", "key"] },
  { words: ["session", "key"] },
  { words: ["auth"] },
  { words: ["authorization"], asSuffix: true },
  { words: ["cred"] },
  { words: ["credential"] },
  { words: ["credentials"], asSuffix: true },
  { words: ["creds"] },
  { words: ["cookie"] },
  { words: ["cookies"] },
  { words: ["session"] },
  { words: ["sessid"] },
  { words: ["phpsessid"] },
  { words: ["jsessionid"] },
  { words: ["csrf"] },
  { words: ["xsrf"] },
  { words: ["otp"] },
  { words: ["mnemonic"] },
  { words: ["seed", "phrase"] },
  { words: ["cvv"] },
  { words: ["cvv2"] },
  { words: ["cvc"] },
  { words: ["cvc2"] },
  { words: ["security", "code"] },
  { words: ["ssn"] },
  { words: ["social", "security", "number"] },
  { words: ["card", "number"] },
  { words: ["cc", "number"] },
  { words: ["credit", "card"] },
];

/** Words that may follow a sensitive name without changing what the value is. */
const QUALIFIERS: ReadonlySet<string> = new Set([
  "value", "confirm", "confirmation", "repeat", "again", "old", "new", "current", "plain", "plaintext",
  "raw", "b64", "base64", "encoded", "hex", "hash", "hashed", "header", "str",
]);

const MAX_QUALIFIERS = 2;
const DECIDED_LIMIT = 2048;
const LONGEST_KEY = 256;

const LOWER = 1;
const UPPER = 2;
const DIGIT = 3;

function charKind(c: number): number {
  if (c >= 97 && c <= 122) return LOWER;
  if (c >= 65 && c <= 90) return UPPER;
  if (c >= 48 && c <= 57) return DIGIT;
  return 0;
}

/** Splits a key into lower-cased words: `X-Api-Key` → x api key, `clientSecretValue` → client secret value. */
export function keyWords(key: string): string[] {
  const words: string[] = [];
  let start = -1;
  let prev = 0;
  for (let i = 0; i < key.length; i++) {
    const kind = charKind(key.charCodeAt(i));
    if (kind === 0) {
      if (start >= 0) words.push(key.slice(start, i).toLowerCase());
      start = -1;
    } else if (start < 0) {
      start = i;
    } else if (kind === UPPER && (prev === LOWER || prev === DIGIT)) {
      words.push(key.slice(start, i).toLowerCase());
      start = i;
    } else if (kind === LOWER && prev === UPPER && i - 1 > start) {
      words.push(key.slice(start, i - 1).toLowerCase());
      start = i - 1;
    }
    prev = kind;
  }
  if (start >= 0) words.push(key.slice(start).toLowerCase());
  return words;
}

/** The built-in names plus extra user keys, answering for attribute keys and for keys in text. */
export class KeyVocabulary {
  private readonly byJoined = new Map<string, SensitiveName>();
  private readonly suffixes: SensitiveName[] = [];
  private readonly longest: number;
  private readonly names: readonly SensitiveName[];
  private readonly decided = new Map<string, boolean>();

  constructor(extraKeys: readonly string[] = []) {
    const names = [...BUILT_IN];
    for (const key of extraKeys) {
      const words = keyWords(key);
      if (words.length > 0) names.push({ words });
    }
    let longest = 1;
    for (const name of names) {
      this.byJoined.set(name.words.join(""), name);
      if (name.asSuffix) this.suffixes.push(name);
      longest = Math.max(longest, name.words.length);
    }
    this.longest = longest;
    this.names = names;
  }

  /** True when the text, as words, is exactly one of the sensitive names (`password`, `api_key`). */
  isName(text: string): boolean {
    return this.byJoined.has(keyWords(text).join(""));
  }

  /** Memoized: the same few keys come back on every record. */
  isSensitive(key: string): boolean {
    // Only the last words count: a huge key is judged by its end and not kept in the memo.
    if (key.length > LONGEST_KEY) return this.decide(key.slice(-LONGEST_KEY));
    let sensitive = this.decided.get(key);
    if (sensitive === undefined) {
      sensitive = this.decide(key);
      if (this.decided.size >= DECIDED_LIMIT) this.decided.clear();
      this.decided.set(key, sensitive);
    }
    return sensitive;
  }

  private decide(key: string): boolean {
    const words = keyWords(key);
    for (let end = words.length; end > 0; end--) {
      if (this.endsWithName(words, end)) return true;
      if (words.length - end >= MAX_QUALIFIERS || !QUALIFIERS.has(words[end - 1]!)) return false;
    }
    return false;
  }

  /** Whether `words` up to `end` finish with a sensitive name. */
  private endsWithName(words: readonly string[], end: number): boolean {
    let joined = "";
    for (let k = 1; k <= Math.min(this.longest, end); k++) {
      joined = words[end - k] + joined;
      const name = this.byJoined.get(joined);
      if (name !== undefined && !follows(name, end - k > 0 ? words[end - k - 1]! : "")) return true;
    }
    const last = words[end - 1]!;
    for (const name of this.suffixes) {
      const tail = name.words.join("");
      if (last.length > tail.length && last.endsWith(tail) && !follows(name, last.slice(0, -tail.length), true)) return true;
    }
    return false;
  }

  /**
   * Regex source matching, case-insensitively, any word a sensitive key can end with (qualifiers
   * included). Loose on purpose: a match is only a candidate, confirmed by isSensitive().
   */
  lastWordSource(): string {
    const words = new Set<string>(QUALIFIERS);
    for (const name of this.names) words.add(name.words[name.words.length - 1]!);
    return endingIn([...words]);
  }
}

/** `ab1` → `[aA][bB]1`: cheaper for V8 than listing case variants, in lookbehinds especially. */
export function anyCase(word: string): string {
  return word.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`);
}

/**
 * Words as one alternation factored by their endings (`passwd|pwd` → `(?:passw|p)wd`, roughly), so
 * that a lookbehind, which V8 matches backwards, rejects most positions on a single character.
 */
function endingIn(words: readonly string[]): string {
  const byLast = new Map<string, string[]>();
  let wholeWord = false;
  for (const word of words) {
    if (word === "") wholeWord = true;
    else byLast.set(word.slice(-1), [...(byLast.get(word.slice(-1)) ?? []), word.slice(0, -1)]);
  }
  const alternatives = [...byLast].map(([last, heads]) => endingIn(heads) + anyCase(last));
  if (alternatives.length === 0) return "";
  const body = alternatives.length === 1 ? alternatives[0]! : `(?:${alternatives.join("|")})`;
  return wholeWord ? `(?:${body})?` : body;
}

/** Whether `before` (the previous word, or what precedes the name inside one word) cancels the name. */
function follows(name: SensitiveName, before: string, insideWord = false): boolean {
  if (name.unlessAfter === undefined || before === "") return false;
  return name.unlessAfter.some((word) => before === word || (insideWord && word.length >= 4 && before.endsWith(word)));
}
