/**
 * The value rules of the secret scrubber: what a secret looks like inside any string.
 *
 * Each rule is a regular-expression source. The secret is the whole match, or the one capture
 * group that took part (always ending where the match ends), or — for a `lead` rule — the match
 * plus what its first group captured in a lookbehind just before it. Context kept around a secret
 * (`Bearer `, `password=`, `https://user:`) is matched but not replaced.
 *
 * Written for V8's backtracking engine in linear time: every rule starts with a literal or a
 * narrow class (a boundary check is a lookbehind placed after that first literal, never before
 * it, or the engine would try it at every position), no rule has a quantified run that can fail
 * after it and be retried from inside the same run, and loops over groups are bounded (V8 keeps
 * one backtrack entry per iteration and overflows its stack on inputs of a few megabytes).
 */
import { Buffer } from "node:buffer";
import { KeyVocabulary, anyCase, keyWords } from "./sensitive-keys.js";

export interface ValueRule {
  /** Shown in the marker `[REDACTED:<name>]`. */
  readonly name: string;
  readonly source: string;
  /** The first capture group sits in a lookbehind and holds the start of the secret. */
  readonly lead?: boolean;
  /** Redacted because of the key written before it: the marker is plain `[REDACTED]`. */
  readonly byKey?: boolean;
  /** Checked on the text before the match; when false the match is passed over (it consumed little). */
  readonly guard?: (subject: string, matchStart: number) => boolean;
  /** Matched right after the rule's match, once the guard holds; its capture groups hold the secret. */
  readonly value?: string;
  /** Second look at a candidate; `alternative` is the index of the capture group that matched. */
  readonly accept?: (secret: string, subject: string, end: number, alternative: number, matchStart: number) => boolean;
}

/** A token may start at the start of text, after a non-token character, after %XX or a JSON escape. */
const TOKEN_START = String.raw`(?:^|[^A-Za-z0-9_-]|%[0-9A-Fa-f]{2}|\\[nrtbf]|\\u[0-9A-Fa-f]{4})`;

/** Rules that share a first pattern, tried only where it matches: one check instead of one per rule. */
export interface RuleGroup {
  readonly prefix: string;
  readonly rules: readonly ValueRule[];
}

/** A token whose prefix has a separator: `sk-…`, `ghp_…`, `dop_v1_…`. */
interface SeparatedToken {
  readonly name: string;
  readonly head: string;
  readonly separator: string;
  readonly rest: string;
  readonly accept?: ValueRule["accept"];
}

/**
 * Separators are rare in text, letters are not: the scan anchors on the separator and looks
 * behind it for any head of that separator's tokens before trying them one by one.
 */
function bySeparator(tokens: readonly SeparatedToken[]): RuleGroup[] {
  const groups = new Map<string, SeparatedToken[]>();
  for (const token of tokens) groups.set(token.separator, [...(groups.get(token.separator) ?? []), token]);
  return [...groups].map(([separator, members]) => ({
    prefix: `${separator}(?<=(?:${[...new Set(members.map((t) => t.head))].join("|")})${separator})`,
    rules: members.map((t) => ({
      name: t.name,
      lead: true,
      source: `(?<=${TOKEN_START}(${t.head})${separator})${t.rest}`,
      accept: t.accept,
    })),
  }));
}

const separated = (name: string, head: string, separator: string, rest: string, accept?: ValueRule["accept"]): SeparatedToken => ({
  name,
  head,
  separator,
  rest,
  accept,
});

/** A token whose prefix has no separator (`AKIA`), or one common in text (`1//0`). */
function literal(name: string, prefix: string, rest: string): ValueRule {
  return { name, source: `${prefix}(?<=${TOKEN_START}${prefix})${rest}` };
}

/** The built-in key names, for values that merely name a secret (`https://user:password@host`). */
const NAMES = new KeyVocabulary();

const hasDigit = (s: string) => /[0-9]/.test(s);
const hasLetter = (s: string) => /[A-Za-z]/.test(s);
const randomLooking = (s: string) => hasDigit(s) && hasLetter(s);
const bearerLooking = (s: string) => hasDigit(s) || (s.length >= 20 && /[a-z]/.test(s) && /[A-Z]/.test(s));

/** Basic credentials are base64 of `user:password`, printable. */
function encodesUserPassword(s: string): boolean {
  const decoded = Buffer.from(s, "base64").toString("latin1");
  return decoded.indexOf(":") > 0 && /^[\x20-\x7e]+$/.test(decoded);
}

const SEPARATED_TOKENS: readonly SeparatedToken[] = [
  separated("anthropic-api-key", "sk", "-", "ant-[A-Za-z0-9_-]{20,}"),
  separated("openrouter-api-key", "sk", "-", "or-v1-[a-f0-9]{32,}"),
  separated("langfuse-secret-key", "sk", "-", "lf-[A-Za-z0-9-]{16,}"),
  separated("openai-api-key", "sk", "-", "[A-Za-z0-9_-]{20,}", randomLooking),
  separated("stripe-secret-key", "[sr]k", "_", "(?:live|test)_[A-Za-z0-9]{16,}"),
  separated("elevenlabs-api-key", "sk", "_", "[a-f0-9]{40,}"),
  separated("stripe-webhook-secret", "whsec", "_", "[A-Za-z0-9+/=]{24,}"),
  separated("github-token", "gh[pousr]", "_", "[A-Za-z0-9]{30,}"),
  separated("github-token", "github", "_", "pat_[A-Za-z0-9_]{30,}"),
  separated("gitlab-token", "gl(?:pat|dt|ptt|rt|soat|cbt|ft|imt|oas|agent)", "-", "[A-Za-z0-9_-]{20,}"),
  separated("slack-token", "xox[abposre]", "-", "[A-Za-z0-9-]{10,}"),
  separated("slack-token", "xapp", "-", "[A-Za-z0-9-]{10,}"),
  separated("huggingface-token", "hf", "_", "[A-Za-z0-9]{30,}"),
  separated("npm-token", "npm", "_", "[A-Za-z0-9]{30,}"),
  separated("groq-api-key", "gsk", "_", "[A-Za-z0-9]{40,}"),
  separated("xai-api-key", "xai", "-", "[A-Za-z0-9]{40,}"),
  separated("replicate-api-token", "r8", "_", "[A-Za-z0-9]{30,}"),
  separated("perplexity-api-key", "pplx", "-", "[A-Za-z0-9]{40,}"),
  separated("digitalocean-token", "do[por]", "_", "v1_[a-f0-9]{64}"),
  separated("shopify-token", "shp(?:at|ca|pa|ss)", "_", "[a-fA-F0-9]{32}"),
  separated("pypi-token", "pypi", "-", "AgE[A-Za-z0-9_-]{50,}"),
  separated("docker-token", "dckr", "_", "pat_[A-Za-z0-9_-]{20,}"),
  separated("langsmith-api-key", "lsv2", "_", "(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}"),
  separated("pinecone-api-key", "pcsk", "_", "[A-Za-z0-9_]{40,}"),
  separated("tavily-api-key", "tvly", "-", "[A-Za-z0-9-]{30,}"),
  separated("linear-api-key", "lin", "_", "api_[A-Za-z0-9]{40}"),
  separated("mailgun-api-key", "key", "-", "[0-9a-f]{32}(?![A-Za-z0-9])"),
  separated("google-oauth-token", "ya29", String.raw`\.`, "[A-Za-z0-9_-]{20,}"),
  separated("sendgrid-api-key", "SG", String.raw`\.`, String.raw`[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}`),
];

/** Provider keys and tokens recognizable by their own shape, plus key material and URL secrets. */
export const TOKEN_RULES: readonly (ValueRule | RuleGroup)[] = [
  ...bySeparator(SEPARATED_TOKENS),
  {
    name: "private-key",
    source: String.raw`-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|[\s\S]*)`,
  },
  {
    name: "jwt",
    lead: true, // anchored on the J of `eyJ`: an upper-case J is rarer in text than an e
    source: String.raw`J(?<=${TOKEN_START}(ey)J)[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+){0,2}`,
  },
  literal("aws-access-key-id", "A(?:KIA|SIA)", "[A-Z0-9]{16}(?![A-Za-z0-9])"),
  literal("google-api-key", "AIza", "[A-Za-z0-9_-]{30,}"),
  literal("google-refresh-token", "1//0", "[A-Za-z0-9_-]{30,}"),
  {
    name: "slack-webhook",
    source: String.raw`\.(?=slack\.com)(?<=hooks\.)slack\.com\\?/(?:services|workflows|triggers)\\?/([A-Za-z0-9_\\/-]{16,})`,
  },
  {
    name: "discord-webhook",
    source: String.raw`\.(?=com\\?/api)(?<=discord(?:app)?\.)com\\?/api\\?/webhooks\\?/([0-9]{5,}\\?/[A-Za-z0-9_-]{20,})`,
  },
  literal("twilio-api-key", "SK", "[0-9a-f]{32}(?![A-Za-z0-9])"),
  literal("databricks-token", "dapi", "[a-f0-9]{32}(?:-[0-9])?(?![A-Za-z0-9])"),
  {
    name: "discord-bot-token",
    lead: true, // anchored on its first dot, and only looks behind it when six characters and a dot follow
    source: String.raw`\.(?=[A-Za-z0-9_-]{6}\.)(?<=${TOKEN_START}([MNO][A-Za-z0-9]{23,27})\.)[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}(?![A-Za-z0-9_-])`,
  },
  {
    name: "telegram-bot-token",
    lead: true,
    source: String.raw`:(?<=${TOKEN_START}([0-9]{8,10}):)[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])`,
  },
  {
    name: "azure-client-secret",
    lead: true,
    source: String.raw`~(?<=(?:^|[^A-Za-z0-9_~.-])([A-Za-z0-9_~.]{3}[0-9]Q)~)[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])`,
  },
  { name: "azure-storage-key", source: String.raw`=(?<=(?:AccountKey|SharedAccessKey)=)([A-Za-z0-9+/]{20,}={0,2})` },
  { name: "bearer-token", source: String.raw`(?:Bearer|BEARER)[ \t]+([A-Za-z0-9._~+/-]{8,}=*)`, accept: bearerLooking },
  {
    name: "basic-auth",
    source: String.raw`(?:Basic|BASIC)[ \t]+([A-Za-z0-9+/]{6,}={0,2})(?![A-Za-z0-9+/=])`,
    accept: encodesUserPassword,
  },
  {
    name: "url-password",
    source: String.raw`:(?:\/\/|\\\/\\\/)[^\s:/?#@"'<>\\]{0,128}:([^\s/?#"'<>\\]{1,256})(?=@)`,
    accept: (password) => !isPlaceholder(password) && !NAMES.isName(password),
  },
  {
    name: "query-secret",
    byKey: true,
    source: String.raw`=(?<=[?&](?:key|sig|signature|X-Amz-Signature|X-Goog-Signature)=)([^&#\s"'<>\\]+)`,
  },
  {
    name: "netrc-password",
    // Also with its newlines escaped, as in JSON text.
    source: String.raw`machine[ \t]+[^\s"'\\]+(?:\s|\\+[nrt]){1,16}(?:login[ \t]+[^\s"'\\]+(?:\s|\\+[nrt]){1,16})?password[ \t]+([^\s"'\\]+)`,
  },
  {
    name: "cli-secret",
    source: String.raw`--(?:[a-z0-9]+-){0,3}(?:password|passwd|pass|token|secret|api-key|apikey|access-token|auth-token|client-secret|private-key|secret-key|access-key|passphrase)[ \t]+(?:"([^"\\\r\n]+)|'([^'\\\r\n]+)|(?![-<$])([^\s"'${"`"};&|<>\\]+))`,
  },
  { name: "cli-secret", source: String.raw`-(?:u|-user)(?<=(?:^|[ \t])-(?:u|-user))[ \t]+["']?[^\s:"'@\\]+:([^\s"'@\\]+)` },
  { name: "cli-secret", source: String.raw`-pass(?:in|out)?[ \t]+pass:([^\s"'\\]+)` }, // openssl
];

// ---------------------------------------------------------------------------------------------
// Numbers: payment cards (Luhn and a real network prefix) and US social security numbers.

/** [first prefix, last prefix, lengths] of card networks; prefixes compared on the same digit count. */
const CARD_NETWORKS: readonly (readonly [string, string, readonly number[]])[] = [
  ["4", "4", [13, 16, 19]], // Visa
  ["51", "55", [16]], // Mastercard
  ["2221", "2720", [16]], // Mastercard 2-series
  ["34", "34", [15]], // American Express
  ["37", "37", [15]],
  ["6011", "6011", [16, 17, 18, 19]], // Discover
  ["644", "649", [16, 17, 18, 19]],
  ["65", "65", [16, 17, 18, 19]],
  ["300", "305", [14, 15, 16, 17, 18, 19]], // Diners Club
  ["36", "36", [14, 15, 16, 17, 18, 19]],
  ["38", "39", [16, 17, 18, 19]],
  ["3528", "3589", [16, 17, 18, 19]], // JCB
  ["62", "62", [16, 17, 18, 19]], // UnionPay
  ["2200", "2204", [16, 17, 18, 19]], // Mir
  ["5018", "5018", [13, 14, 15, 16, 17, 18, 19]], // Maestro
  ["5020", "5020", [13, 14, 15, 16, 17, 18, 19]],
  ["5038", "5038", [13, 14, 15, 16, 17, 18, 19]],
  ["5893", "5893", [13, 14, 15, 16, 17, 18, 19]],
  ["6304", "6304", [13, 14, 15, 16, 17, 18, 19]],
  ["6759", "6759", [13, 14, 15, 16, 17, 18, 19]],
  ["6761", "6763", [13, 14, 15, 16, 17, 18, 19]],
];

/** A real network's prefix and length, the Luhn check, and one kind of separator. */
export function isCardNumber(raw: string): boolean {
  // Luhn first, without allocating: it turns down nine candidates in ten.
  let sum = 0;
  let count = 0;
  let spaces = false;
  let dashes = false;
  for (let i = raw.length - 1; i >= 0; i--) {
    const c = raw.charCodeAt(i);
    if (c === 32) spaces = true;
    else if (c === 45) dashes = true;
    else {
      let digit = c - 48;
      if (count++ % 2 === 1 && (digit *= 2) > 9) digit -= 9;
      sum += digit;
    }
  }
  if (sum % 10 !== 0 || count < 13 || count > 19 || (spaces && dashes)) return false;
  const digits = raw.replace(/[ -]/g, "");
  return CARD_NETWORKS.some(([low, high, lengths]) => {
    const head = digits.slice(0, low.length);
    return head >= low && head <= high && lengths.includes(count);
  });
}

function isSocialSecurityNumber(raw: string): boolean {
  const area = raw.slice(0, 3);
  return area !== "000" && area !== "666" && raw.slice(4, 6) !== "00" && raw.slice(7) !== "0000";
}

export const NUMBER_RULES: readonly ValueRule[] = [
  {
    name: "credit-card",
    // One run of digits, groups of four (the last one to four digits, or a fifth of one to three),
    // or the 4-6-5 / 4-6-4 grouping of American Express and Diners Club.
    source:
      String.raw`[2-6](?<=(?:^|[^0-9A-Za-z_.])[2-6])[0-9]{3}` +
      String.raw`(?:[0-9]{9,15}|[ -][0-9]{4}[ -][0-9]{4}[ -][0-9]{1,4}(?:[ -][0-9]{1,3})?|[ -][0-9]{6}[ -][0-9]{4,5})` +
      String.raw`(?![0-9A-Za-z_]|[.,][0-9])`,
    accept: isCardNumber,
  },
  {
    name: "us-ssn",
    source: String.raw`[0-8](?<=(?:^|[^0-9A-Za-z_-])[0-8])[0-9]{2}-[0-9]{2}-[0-9]{4}(?![0-9A-Za-z_-])`,
    accept: isSocialSecurityNumber,
  },
];

// ---------------------------------------------------------------------------------------------
// Values written after a sensitive key: `password=…`, `"api_key": "…"`, `Authorization: …`.

const UNQUOTED = 6;
const AUTH_SCHEME = "(?:(?:Bearer|bearer|BEARER|Basic|basic|BASIC|Token|token|Digest|digest|Bot|Negotiate|NTLM)[ \\t]+)";
const KEY_VALUE = [
  String.raw`[fFrRbBuU]{0,2}"([^"\\\r\n]*(?:\\.[^"\\\r\n]*){0,256})`,
  String.raw`\\{1,8}"([^"\\\r\n]*)`,
  String.raw`\\{1,8}'([^'\\\r\n]*)`,
  String.raw`[fFrRbBuU]{0,2}'([^'\\\r\n]*(?:\\.[^'\\\r\n]*){0,256})`,
  "`([^`\\\\\\r\\n]*)",
  String.raw`(\$\{[^{}\r\n]{0,200}\}|\$?\{\{[^{}\r\n]{0,200}\}\})`,
  `${AUTH_SCHEME}?([^\\s"'\`,;&<>(){}\\[\\]\\\\|]+)`,
].join("|");

/** Header lines whose whole value is a credential, as in an HTTP dump: the rest of the line. */
const HEADER_LINE = `:(?<=(?<![A-Za-z0-9_-])(?:${anyCase("set")}-)?(?:${anyCase("cookie")}|(?:${anyCase("proxy")}-)?${anyCase("authorization")})[ \\t]*:)[ \\t]*(?![ \\t"'\`\\\\])([^\\r\\n\\\\"'\`]+)`;

const PLACEHOLDERS: ReadonlySet<string> = new Set([
  "null", "none", "nil", "undefined", "true", "false", "string", "str", "number", "int", "integer", "bool",
  "boolean", "bytes", "any", "unknown", "object", "optional", "secretstr", "redacted", "hidden", "masked",
  "required", "await", "new", "yield", "typeof", "this", "self", "require", "lambda", "function", "async",
  "not", "return", "void", "unique", "symbol", "readonly", "keyof", "bigint", "never", "const", "declare",
]);
const MASK = /^[*xX•.#_-]+$/;
const TEMPLATE = /^\$[A-Za-z_{(]|\$\{[^}]*\}|\{\{[^}]*\}\}|^%\(\w+\)s|^%\w+%$|^<[^<>]*>$|\{[A-Za-z_][\w.]*\}|^#\{/;
const SEPARATOR = /[:=]/;
/** A type name: capitalized and ending in a lower-case letter, unlike most passwords (`Welcome1`). */
const TYPE_NAME = /^[A-Z][A-Za-z0-9_]*[a-z]$/;
/** What follows a type in a declaration: `<` of a generic, `|` `&` of a union, `,` `;` `)`, `=>`. */
const TYPE_FOLLOWER = /^[ \t]*(?:[<|&,;)]|=>)/;
/** An operator between spaces after a name: `pass = exists && …`, `token = a ? b : c`. */
const OPERATOR_FOLLOWER = /^[ \t]+(?:&&|\|\||\?\?|[=!]==?|[-+*\/%<>?|&])[ \t]/;
const KEY_LIKE = /^[A-Za-z][\w.-]{0,63}$/;
const WORD = /^[A-Za-z_]+$/;
const SHORTEST_SECRET = 3;
const IDENTIFIER_PATH = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;
const KEY_SPAN = 64;
const LONGEST_PLACEHOLDER = 256;

interface WrittenKey {
  readonly text: string;
  /** The quote just before the key, or "" — and whether the same quote follows the key. */
  readonly quote: string;
  readonly closed: boolean;
}

/**
 * The key written before a separator: letters, digits, `_ . -` and spaces, past closing quotes and
 * backslashes, and not into a JSON escape (`\npassword`).
 */
function keyBefore(subject: string, separator: number): WrittenKey {
  let end = separator;
  while (end > 0 && isBlank(subject.charCodeAt(end - 1))) end--;
  const closedAt = end;
  for (let quotes = 0; end > 0 && quotes < 9 && isQuote(subject.charCodeAt(end - 1)); quotes++) end--;
  let start = end;
  while (start > 0 && end - start < KEY_SPAN && isKeyChar(subject.charCodeAt(start - 1))) {
    if (subject.charCodeAt(start - 2) === 92 /* \ */ && isEscapeLetter(subject.charCodeAt(start - 1))) break;
    start--;
  }
  const quote = start > 0 && isQuote(subject.charCodeAt(start - 1)) ? subject.charAt(start - 1) : "";
  return { text: subject.slice(start, end), quote, closed: closedAt > end };
}

/**
 * `"Password: " + prompt`: a key inside a string whose closing quote follows the separator is
 * prose in a string literal, not a key with a quoted value.
 */
function quotesItsValue(subject: string, separator: number, key: WrittenKey): boolean {
  if (key.quote === "" || key.closed) return true;
  let at = separator + 1;
  while (at < subject.length && /[=> \t]/.test(subject.charAt(at))) at++;
  return subject.charAt(at) !== key.quote;
}

const isBlank = (c: number) => c === 32 || c === 9;
const isQuote = (c: number) => c === 34 || c === 39 || c === 96 || c === 92; // " ' ` \
const isEscapeLetter = (c: number) => c === 110 || c === 114 || c === 116 || c === 98 || c === 102; // n r t b f
const isKeyChar = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 45 || c === 32;

/** Values that stand for a secret without being one: too short (a card's CVV has three digits), masked, placeholders, templates, markers. */
function isPlaceholder(value: string): boolean {
  if (value.length < SHORTEST_SECRET || value.startsWith("[REDACTED") || MASK.test(value)) return true;
  if (value.length > LONGEST_PLACEHOLDER || SEPARATOR.test(value)) return false;
  return PLACEHOLDERS.has(value.toLowerCase()) || TEMPLATE.test(value);
}

/** `session: "session"`, `header = "Proxy-Authorization"`: a constant holding a key's name. */
function namesAKey(vocabulary: KeyVocabulary, value: string): boolean {
  return KEY_LIKE.test(value) && (vocabulary.isName(value) || (keyWords(value).length > 1 && vocabulary.isSensitive(value)));
}

/**
 * False for values under a sensitive key that are no secret: placeholders, a constant holding a
 * key's name, and — unquoted only — code that names where a secret comes from: a call or index
 * (`getpass()`, `os.environ[…]`), a property path (`req.body.password`), a name that is itself a
 * sensitive key (`password=password`, `token: accessToken`), an operand (`pass = a && b`), a type
 * (`privateKey: Buffer;`), a namespaced name (`auth:login`, `Http2Session:stream`). None of these holds a `:` or `=`, so no other key can start inside one
 * and the scan can go on after it.
 */
function literalSecret(vocabulary: KeyVocabulary, value: string, subject: string, end: number, alternative: number, separator: string): boolean {
  if (isPlaceholder(value)) return false;
  if (SEPARATOR.test(value) || value.length > LONGEST_PLACEHOLDER) return true;
  if (namesAKey(vocabulary, value)) return false;
  if (alternative !== UNQUOTED || !IDENTIFIER_PATH.test(value)) return true;
  const next = subject.slice(end, end + 8);
  if (/^[([]/.test(next) || value.includes(".") || vocabulary.isSensitive(value) || OPERATOR_FOLLOWER.test(next)) return false;
  if (separator === ":" && WORD.test(value) && subject.charAt(end - value.length - 1) === ":") return false; // auth:login
  return !(TYPE_NAME.test(value) && (next.startsWith("<") || (separator === ":" && TYPE_FOLLOWER.test(next))));
}

/**
 * `key=value`, `key: value`, `"key": "value"` (also escaped inside JSON), `key => value`,
 * `key := value`. The pattern finds a separator after a word that may end a sensitive key; the
 * whole key is read back and judged by the vocabulary, like an attribute key; only then is the
 * value read — so text with many keys costs one short match per key, never a re-read value.
 */
export function keyValueRules(vocabulary: KeyVocabulary): readonly ValueRule[] {
  const key = `${vocabulary.lastWordSource()}(?:\\\\{0,8}["'\`])?[ \\t]*`;
  return [
    { name: "header-line", byKey: true, source: HEADER_LINE },
    {
      name: "key-value",
      byKey: true,
      source: `[:=](?<=${key}[:=])(?:(?<=:)=|(?<==)>)?(?!=)`,
      guard: (subject, matchStart) => {
        const key = keyBefore(subject, matchStart);
        return vocabulary.isSensitive(key.text) && quotesItsValue(subject, matchStart, key);
      },
      value: `[ \\t]*(?:${KEY_VALUE})`,
      accept: (value, subject, end, alternative, matchStart) =>
        literalSecret(vocabulary, value, subject, end, alternative, subject.charAt(matchStart)),
    },
  ];
}
