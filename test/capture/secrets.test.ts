import { PerformanceObserver, performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diag, DiagLogLevel } from "@opentelemetry/api";
import type { DiagLogger } from "@opentelemetry/api";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import {
  ATTR_HTTP_REQUEST_HEADER,
  ATTR_HTTP_RESPONSE_HEADER,
  ATTR_SERVICE_NAME,
  ATTR_URL_FULL,
} from "@opentelemetry/semantic-conventions";
import {
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_MCP_SESSION_ID,
  ATTR_SESSION_ID,
  ATTR_SESSION_PREVIOUS_ID,
  ATTR_AWS_SECRETSMANAGER_SECRET_ARN,
  ATTR_FEATURE_FLAG_KEY,
  ATTR_MESSAGING_KAFKA_MESSAGE_KEY,
  ATTR_ASPNETCORE_IDENTITY_TOKEN_PURPOSE,
} from "@opentelemetry/semantic-conventions/incubating";
import { AotpKey, EnvpodKey } from "../../src/dialects/keys.js";
import { createScrubber, REDACTED } from "../../src/capture/secrets.js";
import { isCardNumber } from "../../src/capture/secret-rules.js";
import { SECRETS } from "../fixtures/secret-corpus.js";
import type { PlantedSecret } from "../fixtures/secret-corpus.js";
import { BENIGN, DELIBERATE } from "../fixtures/benign-corpus.js";

const scrubber = createScrubber();
const scrub = (value: string, key?: string) => scrubber.scrub(value, key);

/** Every 8-character run of `secret` found in `text`, as written or escaped as the embeddings escape it. */
function leakedRuns(text: string, secret: string): string[] {
  const once = JSON.stringify(secret).slice(1, -1);
  const renderings = new Set([secret, once, JSON.stringify(once).slice(1, -1), encodeURIComponent(secret)]);
  const runs: string[] = [];
  for (const rendering of renderings) {
    for (let i = 0; i + 8 <= rendering.length; i++) {
      const run = rendering.slice(i, i + 8);
      if (text.includes(run)) runs.push(run);
    }
  }
  return runs;
}

/** The ways a secret reaches a record: as a whole attribute, in prose, JSON, JSON in JSON, URLs, errors. */
const EMBEDDINGS: Record<string, (entry: PlantedSecret) => string> = {
  standalone: (e) => e.inText,
  prose: (e) => `Here is what I found in the deploy logs: ${e.inText} — please rotate it before Friday.`,
  "JSON text": (e) => JSON.stringify({ role: "tool", name: "read_config", content: `config loaded: ${e.inText}` }),
  "JSON escaped inside JSON": (e) =>
    JSON.stringify({ body: JSON.stringify({ messages: [{ role: "user", content: `use this: ${e.inText}` }] }) }),
  "URL or query string": (e) =>
    e.inText === e.secret && /^[\w.~-]+$/.test(e.secret)
      ? `https://api.example.com/v1/search?q=${e.secret}&page=2 and https://api.example.com/keys/${e.secret}/usage`
      : `https://app.example.com/oauth/callback?state=xyz&access_token=${encodeURIComponent(e.secret)}&page=2`,
  "error and stack trace": (e) =>
    `Error: upstream call failed with ${e.inText}\n    at callModel (/srv/agent/llm.js:42:11)\n    at async runStep (/srv/agent/run.js:7:5)`,
};

describe("the planted-secret corpus", () => {
  it("has at least 60 secrets of at least 20 kinds, each shown once in its text", () => {
    expect(SECRETS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(SECRETS.map((e) => e.kind)).size).toBeGreaterThanOrEqual(20);
    for (const e of SECRETS) {
      expect(e.secret.length, e.kind).toBeGreaterThanOrEqual(8);
      expect(e.inText.split(e.secret).length - 1, `${e.kind}: ${e.inText}`).toBe(1);
    }
  });

  it("holds Luhn-valid card numbers with real network prefixes", () => {
    const cards = SECRETS.filter((e) => e.kind === "credit-card");
    expect(cards.length).toBeGreaterThanOrEqual(8);
    for (const e of cards) expect(isCardNumber(e.secret), e.secret).toBe(true);
  });
});

describe("every planted secret is caught", () => {
  for (const [where, embed] of Object.entries(EMBEDDINGS)) {
    it(`${where}: no 8-character run of any secret is left`, () => {
      const failures: string[] = [];
      for (const entry of SECRETS) {
        const input = embed(entry);
        const output = scrub(input);
        const runs = leakedRuns(output, entry.secret);
        if (output === input || runs.length > 0) failures.push(`${entry.kind}: ${runs.length} runs left in ${JSON.stringify(output).slice(0, 160)}`);
        else if (!output.includes("[REDACTED")) failures.push(`${entry.kind}: no marker in ${JSON.stringify(output).slice(0, 160)}`);
      }
      expect(failures).toEqual([]);
    });
  }

  it("names the kind in the marker, and the marker replaces the whole token (not even its prefix is kept)", () => {
    const bare = SECRETS.filter((e) => e.inText === e.secret);
    expect(bare.length).toBeGreaterThan(40);
    for (const e of bare) expect(scrub(e.secret), e.secret.slice(0, 12)).toBe(`[REDACTED:${e.kind}]`);
  });

  it("turns already scrubbed text into itself: the same string comes back", () => {
    for (const [, embed] of Object.entries(EMBEDDINGS)) {
      for (const entry of SECRETS) {
        const once = scrub(embed(entry));
        expect(scrub(once), once.slice(0, 120)).toBe(once);
      }
    }
  });
});

describe("benign text", () => {
  it("comes back as the very same string", () => {
    const changed = BENIGN.filter((b) => scrub(b.text) !== b.text).map((b) => `${b.kind}: ${scrub(b.text).slice(0, 200)}`);
    expect(changed).toEqual([]);
    for (const b of BENIGN) expect(scrub(b.text)).toBe(b.text);
  });

  it("comes back identical when built at run time (not an interned literal)", () => {
    const built = ["gpt-4o", "-mini ", String(Date.now()), " ", "x".repeat(3)].join("");
    expect(scrub(built)).toBe(built);
    expect(scrub("")).toBe("");
  });

  it("costs no allocation when nothing is found: no garbage collection over millions of scans", async () => {
    const plain = [
      "gpt-4o-mini", "getWeather", "Lisbon", "2025-11-18T10:12:03.456Z", "application/json", "agent.llm.request",
      "The weather in Lisbon is 21°C and sunny.", "4bf92f3577b34da6a3ce929d0e0e4736", SC.LLM_TOKEN_COUNT_PROMPT,
      "https://api.example.com/v1/chat/completions", '{"city":"Lisbon","units":"metric"}', "LLM", "user-1234",
    ];
    async function collectionsDuring(work: (text: string) => string): Promise<number> {
      const starts: number[] = [];
      const observer = new PerformanceObserver((list) => list.getEntries().forEach((entry) => starts.push(entry.startTime)));
      observer.observe({ entryTypes: ["gc"] });
      let length = 0;
      for (let i = 0; i < 10_000; i++) length += work(plain[i % plain.length]!).length;
      const from = performance.now();
      for (let i = 0; i < 2_000_000; i++) length += work(plain[i % plain.length]!).length;
      const to = performance.now();
      expect(length).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 100));
      observer.disconnect();
      return starts.filter((start) => start >= from && start <= to).length;
    }
    // The measure sees allocation: copying each string collects garbage many times over.
    expect(await collectionsDuring((text) => (" " + text).slice(1))).toBeGreaterThan(10);
    expect(await collectionsDuring((text) => scrub(text))).toBe(0);
  });

  it("is redacted only where documented as deliberate", () => {
    for (const d of DELIBERATE) expect(scrub(d.text), d.why).toBe(d.scrubbed);
  });
});

describe("value rules in detail", () => {
  it("replaces only the password of a URL", () => {
    expect(scrub("postgres://app:s3cr3t-pw@db.internal:5432/orders")).toBe("postgres://app:[REDACTED:url-password]@db.internal:5432/orders");
    expect(scrub("redis://:hunter2hunter2@cache:6379")).toBe("redis://:[REDACTED:url-password]@cache:6379");
    expect(scrub("https://user:p@ss:w0rd@host.example.com/x")).toBe("https://user:[REDACTED:url-password]@host.example.com/x");
    expect(scrub('{"url":"https:\\/\\/bot:Zq9vX2mL@example.com\\/hook"}')).toBe('{"url":"https:\\/\\/bot:[REDACTED:url-password]@example.com\\/hook"}');
  });

  it("replaces sensitive query parameters and keeps the others", () => {
    const url = "https://x.example.com/cb?page=2&token=abc123&api_key=k-99&access_token=at.55&client_secret=cs_77&password=pw8&sig=c2lnbmF0dXJl%3D&lang=en";
    expect(scrub(url)).toBe(
      "https://x.example.com/cb?page=2&token=[REDACTED]&api_key=[REDACTED]&access_token=[REDACTED]&client_secret=[REDACTED]&password=[REDACTED]&sig=[REDACTED]&lang=en",
    );
  });

  it("replaces a whole PEM block, and a truncated one up to the end of the text", () => {
    const pem = SECRETS.find((e) => e.kind === "private-key" && e.secret.includes("RSA"))!.secret;
    expect(scrub(`before\n${pem}\nafter`)).toBe("before\n[REDACTED:private-key]\nafter");
    expect(scrub(`key: ${pem.slice(0, 300)}`)).toBe("key: [REDACTED:private-key]");
    expect(scrub("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----")).toBe("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----");
  });

  it("reads keys in JSON, JSON escaped in JSON, YAML, .env, headers, Python and shell", () => {
    expect(scrub('{"user":"ana","password":"pa55-w0rd!"}')).toBe('{"user":"ana","password":"[REDACTED]"}');
    expect(scrub('{\\"password\\":\\"pa55-w0rd!\\",\\"user\\":\\"ana\\"}')).toBe('{\\"password\\":\\"[REDACTED]\\",\\"user\\":\\"ana\\"}');
    expect(scrub("db:\n  password: pa55-w0rd\n  host: db")).toBe("db:\n  password: [REDACTED]\n  host: db");
    expect(scrub("API_KEY=abc123\nDEBUG=1\nSECRET_KEY='x y z'")).toBe("API_KEY=[REDACTED]\nDEBUG=1\nSECRET_KEY='[REDACTED]'");
    expect(scrub("GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer 9f8e7d6c5b4a\r\nCookie: a=1; sid=2\r\n")).toBe(
      "GET / HTTP/1.1\r\nHost: x\r\nAuthorization: [REDACTED]\r\nCookie: [REDACTED]\r\n",
    );
    expect(scrub("connect(user='ana', passwd='pa55w0rd')")).toBe("connect(user='ana', passwd='[REDACTED]')");
    expect(scrub("$pdo = ['password' => 'pa55w0rd'];")).toBe("$pdo = ['password' => '[REDACTED]'];");
    expect(scrub("mysql --user=root --password=pa55w0rd db")).toBe("mysql --user=root --password=[REDACTED] db");
    expect(scrub("openssl pkcs12 -export -passout pass:s3cr3t -out k.p12")).toBe("openssl pkcs12 -export -passout pass:[REDACTED:cli-secret] -out k.p12");
    const netrc = JSON.stringify({ file: "machine api.example.com\nlogin ana\npassword s3cr3t-pw\n" });
    expect(scrub(netrc)).toBe(JSON.stringify({ file: "machine api.example.com\nlogin ana\npassword [REDACTED:netrc-password]\n" }));
  });

  it("keeps the scheme of an Authorization value and replaces the credentials", () => {
    expect(scrub("Authorization=Bearer abcdefghij")).toBe("Authorization=Bearer [REDACTED]");
    expect(scrub("Authorization=Bearer abc.def.123")).toBe("Authorization=Bearer [REDACTED:bearer-token]");
    expect(scrub("send Bearer 8f2c1d9e0b7a6c5d4e3f2a1b with the request")).toBe("send Bearer [REDACTED:bearer-token] with the request");
    expect(scrub("the Bearer instruments were sold; Basic information follows")).toBe("the Bearer instruments were sold; Basic information follows");
  });

  it("tells card numbers from other long numbers", () => {
    expect(scrub("card 4111 1111 1111 1111 exp 2027")).toBe("card [REDACTED:credit-card] exp 2027");
    expect(scrub("paid with 4111 1111 1111 1111 2025-11-18")).toBe("paid with [REDACTED:credit-card] 2025-11-18");
    expect(scrub("4111 1111 1111 1112")).toBe("4111 1111 1111 1112"); // fails Luhn
    expect(scrub("9111111111111111116")).toBe("9111111111111111116"); // no network starts with 9
    expect(scrub("id 1187346512378654720")).toBe("id 1187346512378654720");
    expect(scrub("4111-1111 1111-1111")).toBe("4111-1111 1111-1111"); // mixed separators
    expect(scrub("v1.4111111111111111")).toBe("v1.4111111111111111");
  });

  it("takes dashed US social security numbers in the valid ranges only", () => {
    expect(scrub("ssn 219-09-9999.")).toBe("ssn [REDACTED:us-ssn].");
    for (const invalid of ["000-12-3456", "666-12-3456", "912-12-3456", "219-00-9999", "219-09-0000"]) expect(scrub(invalid)).toBe(invalid);
    expect(scrub("call 415-555-0132")).toBe("call 415-555-0132");
  });

  it("keeps code that names where a secret comes from", () => {
    for (const code of [
      "function createCipher(algorithm: string, password: BinaryLike, options?: CipherOptions): Cipher;",
      "privateKey: Promise<CryptoKey>",
      "const pass = exists && matches(expected);",
      'def getpass(prompt="Password: ", stream=None):',
      "auth_header = 'Proxy-Authorization'",
      'session: "session",',
      "debug('auth:login hello')",
      "password = os.environ['DB_PASSWORD']",
      "token = getToken();",
      "const apiKey = process.env.API_KEY;",
      "login(user=user, password=password)",
      "headers = {'Authorization': f'Bearer {token}'}",
      "secret: ${{ secrets.DEPLOY_KEY }}",
      "password: <your-password>",
      "PASSWORD=$DB_PASSWORD",
      "api_key: null",
      'password: ""',
    ]) {
      expect(scrub(code)).toBe(code);
    }
  });

  it("never throws, whatever the string", () => {
    const lone = "\ud800 password=\udc00abc \udfff sk-proj-" + "A1".repeat(20) + "\ud800";
    expect(scrub(lone)).toBe("\ud800 password=[REDACTED] \udfff [REDACTED:openai-api-key]\ud800");
    const huge = "x".repeat(8 << 20) + " ghp_" + "A1b2".repeat(9) + " " + "y".repeat(8 << 20);
    const out = scrub(huge);
    expect(out.length).toBe(huge.length - 40 + "[REDACTED:github-token]".length);
    expect(scrub(42 as unknown as string)).toBe(42);
  });
});

describe("adversarial input of 1 MB", () => {
  const MB = 1 << 20;
  const repeat = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
  const base64 = Array.from({ length: MB }, (_, i) => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[(i * 7919) % 64]).join("");
  const inert: Record<string, string> = {
    "a": repeat("a"),
    "digits": repeat("0123456789"),
    "sk-": repeat("sk-"),
    "=": repeat("="),
    '"': repeat('"'),
    ":@": repeat(":@"),
    "base64 characters": base64,
    "eyJ.": repeat("eyJ."),
    "4111 ": repeat("4111 "),
    "AccountKey=": repeat("AccountKey="),
    "key: ": repeat("key: "),
    '"token": "': repeat('"token": "'),
    "://": repeat("://"),
    "\\\"": repeat('\\"'),
    "Bearer ": repeat("Bearer "),
    "-----BEGIN": repeat("-----BEGIN "),
  };
  for (const [name, input] of Object.entries(inert)) {
    it(`runs of ${JSON.stringify(name)} come back unchanged`, () => {
      expect(scrub(input)).toBe(input);
    });
  }

  it("runs of secrets are all replaced", () => {
    expect(scrub(repeat("password: "))).not.toContain("password: password");
    const jwts = "eyJhbGciOi.eyJzdWIiOi.c2ln ".repeat(40_000);
    expect(scrub(jwts)).toBe("[REDACTED:jwt] ".repeat(40_000));
    expect(scrub("-----BEGIN PRIVATE KEY-----" + repeat("-----BEGIN PRIVATE KEY-----"))).toBe("[REDACTED:private-key]");
  });
});

describe("sensitive keys", () => {
  const positives = [
    "password", "Password", "PASSWORD", "passwd", "pwd", "pass", "user_pass", "passphrase", "secret", "client_secret",
    "clientSecret", "token", "auth_token", "accessToken", "refresh_token", "id_token", "api_key", "apiKey", "apikey",
    "API-KEY", "x-api-key", "x_api_key", "X-Api-Key", "authorization", "Authorization", "proxy-authorization", "auth",
    "cookie", "set-cookie", "Set-Cookie", "session", "user_session", "private_key", "privateKey", "credentials",
    "aws_credentials", "access_key", "secret_key", "AWS_SECRET_ACCESS_KEY", "aws_session_token", "csrf", "xsrf",
    "csrf_token", "X-CSRF-Token", "cvv", "cvc", "ssn", "card_number", "cardNumber", "credit_card", "password_hash",
    "passwordConfirmation", "new_password", "DB_PASSWORD", "MYTOKEN", "dbpassword", "GITHUB_TOKEN", "OPENAI_API_KEY",
    "_authToken", "bearer", "jsessionid", "PHPSESSID", "otp", "social_security_number", "casino_password", "mnemonic",
    "wallet_seed_phrase", "userCred",
    ATTR_HTTP_REQUEST_HEADER("authorization"), ATTR_HTTP_REQUEST_HEADER("x-api-key"), ATTR_HTTP_REQUEST_HEADER("cookie"),
    ATTR_HTTP_RESPONSE_HEADER("set-cookie"),
  ];
  const negatives = [
    SC.LLM_TOKEN_COUNT_PROMPT, SC.LLM_TOKEN_COUNT_COMPLETION, SC.LLM_TOKEN_COUNT_TOTAL, SC.SESSION_ID, SC.USER_ID,
    SC.INPUT_VALUE, SC.OUTPUT_VALUE, SC.LLM_MODEL_NAME, SC.TOOL_NAME,
    ATTR_GEN_AI_USAGE_INPUT_TOKENS, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, ATTR_GEN_AI_REQUEST_MAX_TOKENS, ATTR_GEN_AI_TOKEN_TYPE,
    ATTR_SESSION_ID, ATTR_SESSION_PREVIOUS_ID, ATTR_MCP_SESSION_ID, ATTR_AWS_SECRETSMANAGER_SECRET_ARN, ATTR_FEATURE_FLAG_KEY,
    ATTR_MESSAGING_KAFKA_MESSAGE_KEY, ATTR_ASPNETCORE_IDENTITY_TOKEN_PURPOSE, ATTR_SERVICE_NAME, ATTR_URL_FULL,
    ATTR_HTTP_REQUEST_HEADER("content-type"), AotpKey.SESSION_ID, EnvpodKey.CAPTURE_MODE, "envpod.session_id",
    "gen_ai.server.time_to_first_token", "gen_ai.server.time_per_output_token", "max_tokens", "token_type", "token_count",
    "tokenizer", "tokens", "author", "authority", "keyboard", "monkey", "passenger", "compass", "bypass", "key",
    "public_key", "private_key_id", "session.id", "sessionId", "next_page_token", "eos_token", "password_policy",
    "secret_name", "first_pass", "cookie_policy", "api_key_id", "NOPASSWD", "no_password",
  ];

  it.each(positives)("%s is sensitive", (key) => {
    expect(scrubber.isSensitiveKey(key)).toBe(true);
    expect(scrub("anything at all", key)).toBe(REDACTED);
  });

  it.each(negatives)("%s is not sensitive", (key) => {
    expect(scrubber.isSensitiveKey(key)).toBe(false);
    const value = "plain value";
    expect(scrub(value, key)).toBe(value);
  });

  it("judges a key written in text like an attribute key", () => {
    for (const key of [...positives, ...negatives]) {
      if (!/^[\w.-]+$/.test(key)) continue;
      const expected = scrubber.isSensitiveKey(key);
      for (const text of [`${key}=v4lue-77`, `{"${key}": "v4lue-77"}`, `${key}: v4lue-77`]) {
        expect(scrub(text) !== text, `${text} → ${scrub(text)}`).toBe(expected);
      }
    }
  });

  it("still scrubs the value of a non-sensitive key", () => {
    expect(scrub("token is ghp_" + "A1b2".repeat(9), SC.OUTPUT_VALUE)).toBe("token is [REDACTED:github-token]");
  });

  it("leaves an empty value empty and a redacted value identical", () => {
    expect(scrub("", "password")).toBe("");
    expect(scrub(REDACTED, "password")).toBe(REDACTED);
  });

  it("stays right past its memo bound", () => {
    for (let i = 0; i < 5000; i++) expect(scrubber.isSensitiveKey(`field_${i}_${i % 2 ? "token" : "count"}`)).toBe(i % 2 === 1);
    expect(scrubber.isSensitiveKey("password")).toBe(true);
  });
});

describe("user rules", () => {
  const warnings: string[] = [];
  const logger: DiagLogger = {
    error: (m) => warnings.push(m),
    warn: (m) => warnings.push(m),
    info: () => {},
    debug: () => {},
    verbose: () => {},
  };
  beforeAll(() => diag.setLogger(logger, DiagLogLevel.WARN));
  afterAll(() => diag.disable());

  it("adds sensitive keys, matched like the built-in ones", () => {
    const s = createScrubber({ keys: ["employee_id", "X-Tenant-Secret-Code", "customer_hash"] });
    expect([s.isSensitiveKey("customerHash"), s.isSensitiveKey("customer")]).toEqual([true, false]); // a name may end with a qualifier
    for (const key of ["employee_id", "employeeId", "EMPLOYEE-ID", "hr.employee_id"]) expect(s.isSensitiveKey(key)).toBe(true);
    expect(s.isSensitiveKey("employee_name")).toBe(false);
    expect(s.isSensitiveKey("tenantSecretCode")).toBe(false); // the whole name, not its last word
    expect(s.isSensitiveKey("x_tenant_secret_code")).toBe(true);
    expect(s.scrub('{"employeeId": "E-4411", "name": "Ana"}')).toBe('{"employeeId": "[REDACTED]", "name": "Ana"}');
    expect(s.scrub("employee_id=E-4411")).toBe("employee_id=[REDACTED]");
    expect(scrubber.isSensitiveKey("employee_id")).toBe(false);
  });

  it("adds patterns: every occurrence replaced, with or without the g flag, named or not", () => {
    const s = createScrubber({ patterns: [/EMP-\d{6}/, { name: "ticket", pattern: /TCK-[A-Z]{4}/gi }, /x*/y] });
    expect(s.scrub("EMP-123456 then EMP-654321, tck-abcd and TCK-WXYZ")).toBe(
      "[REDACTED:custom] then [REDACTED:custom], [REDACTED:ticket] and [REDACTED:ticket]",
    );
    const plain = "nothing here";
    expect(s.scrub(plain)).toBe(plain);
    expect(s.scrub("xx yy")).toBe("[REDACTED:custom] yy");
  });

  it("calls custom last, with the built-in result and the key", () => {
    const seen: [string, string | undefined][] = [];
    const s = createScrubber({
      custom: (value, key) => {
        seen.push([value, key]);
        return value.replace(/Ana/g, "[NAME]");
      },
    });
    expect(s.scrub("Ana used password=pa55w0rd", "note")).toBe("[NAME] used password=[REDACTED]");
    expect(seen).toEqual([["Ana used password=[REDACTED]", "note"]]);
    const same = "no names";
    expect(s.scrub(same)).toBe(same);
  });

  it("contains a custom callback that throws or returns no string, reporting once", () => {
    const s = createScrubber({
      custom: (value) => {
        if (value.includes("boom")) throw new Error("callback exploded");
        return value.includes("nothing") ? (undefined as unknown as string) : value;
      },
    });
    const before = warnings.length;
    expect(s.scrub("boom password=pa55w0rd")).toBe("boom password=[REDACTED]");
    expect(s.scrub("boom again")).toBe("boom again");
    expect(s.scrub("nothing")).toBe("nothing");
    const reported = warnings.slice(before);
    expect(reported.filter((w) => w.includes("callback exploded"))).toHaveLength(1);
    expect(reported.filter((w) => w.includes("instead of a string"))).toHaveLength(1);
  });

  it("contains a user pattern that throws, reporting once and keeping the built-in result", () => {
    const s = createScrubber({ patterns: [{ name: "runaway", pattern: /(?:a|b)*c/ }, /EMP-\d+/] });
    const input = "a".repeat(12_000_000) + " password=pa55w0rd EMP-42";
    const before = warnings.length;
    const out = s.scrub(input);
    expect(out.endsWith(" password=[REDACTED] [REDACTED:custom]")).toBe(true);
    s.scrub(input);
    expect(warnings.slice(before).filter((w) => w.includes('redaction pattern "runaway" failed'))).toHaveLength(1);
  });

  it("rejects bad rules at creation with a TypeError naming the entry", () => {
    const bad: [unknown, RegExp][] = [
      [null, /must be an object/],
      [[], /must be an object/],
      [{ key: ["password"] }, /unknown field "key"/],
      [{ keys: "password" }, /keys must be an array/],
      [{ keys: ["ok", 5] }, /keys\[1\]/],
      [{ keys: ["--"] }, /keys\[0\]/],
      [{ patterns: /x/ }, /patterns must be an array/],
      [{ patterns: [/x/, "y"] }, /patterns\[1\] must be a RegExp/],
      [{ patterns: [{ name: "ok", pattern: "x" }] }, /patterns\[0\] must be a RegExp/],
      [{ patterns: [{ name: "bad name]", pattern: /x/ }] }, /patterns\[0\]\.name/],
      [{ custom: "uppercase" }, /custom must be a function/],
    ];
    for (const [rules, message] of bad) expect(() => createScrubber(rules as never), String(message)).toThrow(TypeError);
    for (const [rules, message] of bad) expect(() => createScrubber(rules as never)).toThrow(message);
  });
});
