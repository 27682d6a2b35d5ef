/**
 * The capture processors on every span and log record of the process, coat's and other
 * libraries', checked on what crossed the wire into the in-process OTLP receiver.
 */
import { createHmac } from "node:crypto";
import { SpanStatusCode, trace } from "@opentelemetry/api";
import { logs } from "@opentelemetry/api-logs";
import { afterEach, describe, expect, it } from "vitest";
import { coat, Op, tie } from "../../src/index.js";
import type { RegisterOptions } from "../../src/setup/options.js";
import type { Harness } from "../support/harness.js";
import { spanNamed, startHarness } from "../support/harness.js";

const OPENAI = "sk-proj-Zq8vT3xY7wK2mN5pR4sL9aB1cD6eF0gH";
const PASSWORD = "hunter2-correct-horse";
let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(options: RegisterOptions): Promise<Harness> {
  harness = await startHarness(options);
  return harness;
}

/** A span as an auto-instrumentation would make it, through the global API. */
function thirdPartySpan(): void {
  const span = trace.getTracer("some-llm-instrumentation").startSpan(`POST /v1/chat?api_key=${OPENAI}`);
  span.setAttributes({
    "input.value": JSON.stringify({ question: "what is the capital of France", apiKey: OPENAI, nested: { password: PASSWORD } }),
    "output.value": "Paris, and by the way my key is " + OPENAI,
    "llm.input_messages.0.message.role": "user",
    "llm.input_messages.0.message.content": "hello there, use " + OPENAI,
    "llm.token_count.total": 42,
    "http.request.header.authorization": "Bearer abcdefghijklmnop",
    "db.statement": "SELECT * FROM users",
    "note": `the key is ${OPENAI}`,
    "tags": ["plain", `key ${OPENAI}`],
  });
  span.addEvent("retry", { reason: `auth with ${OPENAI} failed` });
  span.recordException(new Error(`upstream rejected ${OPENAI}`));
  span.setStatus({ code: SpanStatusCode.ERROR, message: `rejected ${OPENAI}` });
  span.end();
}

function thirdPartyLog(): void {
  logs.getLogger("some-logger").emit({ body: `user logged in with ${OPENAI}`, attributes: { password: PASSWORD, "user.region": "eu-west" } });
}

describe("redacted, set by register()", () => {
  it("keeps other libraries' content and scrubs every secret from names, attributes, events, status and log bodies", async () => {
    const h = await start({ capture: "redacted" });
    thirdPartySpan();
    thirdPartyLog();
    const [span] = await h.spans(1);
    const [log] = await h.logs(1);
    const wire = h.receiver.allWireText();
    expect(wire).not.toContain(OPENAI.slice(8, 20));
    expect(wire).not.toContain(PASSWORD);
    expect(wire).not.toContain("abcdefghijklmnop");
    expect(JSON.parse(span!.attributes["input.value"] as string)).toMatchObject({ question: "what is the capital of France", apiKey: expect.stringMatching(/^\[REDACTED/), nested: { password: expect.stringMatching(/^\[REDACTED/) } });
    expect(span!.attributes["output.value"]).toMatch(/^Paris, and by the way my key is \[REDACTED/);
    expect(span!.attributes["llm.input_messages.0.message.content"]).toMatch(/^hello there, use \[REDACTED/);
    expect(span!.attributes["llm.token_count.total"]).toBe(42);
    expect(span!.attributes["http.request.header.authorization"]).toBe("[REDACTED]");
    expect(span!.attributes["db.statement"]).toBe("SELECT * FROM users");
    expect((span!.attributes.tags as string[])[0]).toBe("plain");
    expect(span!.name).toMatch(/^POST \/v1\/chat\?api_key=\[REDACTED/);
    expect(span!.events.find((e) => e.name === "exception")!.attributes["exception.message"]).toMatch(/^upstream rejected \[REDACTED/);
    expect(span!.status.message).toMatch(/^rejected \[REDACTED/);
    expect(log!.body).toMatch(/^user logged in with \[REDACTED/);
    expect(log!.attributes).toMatchObject({ password: "[REDACTED]", "user.region": "eu-west" });
  });
});

describe("none, set by register()", () => {
  it("drops other libraries' content, keeps what is not content, scrubs the rest", async () => {
    const h = await start({ capture: "none" });
    thirdPartySpan();
    thirdPartyLog();
    const [span] = await h.spans(1);
    const [log] = await h.logs(1);
    for (const key of ["input.value", "output.value", "llm.input_messages.0.message.content", "llm.input_messages.0.message.role"]) {
      expect(span!.attributes[key], key).toBeUndefined();
    }
    expect(span!.attributes["llm.token_count.total"]).toBe(42);
    expect(span!.attributes["db.statement"]).toBe("SELECT * FROM users");
    const exception = span!.events.find((e) => e.name === "exception")!;
    expect(exception.attributes["exception.type"]).toBe("Error");
    expect(exception.attributes["exception.message"]).toBeUndefined();
    expect(exception.attributes["exception.stacktrace"]).toBeUndefined();
    expect(span!.status).toEqual({ code: 2, message: "" });
    expect(log!.body).toBeNull();
    expect(log!.attributes["user.region"]).toBe("eu-west");
    expect(h.receiver.allWireText()).not.toContain(OPENAI.slice(8, 20));
    expect(h.receiver.allWireText()).not.toContain("capital of France");
  });

  it("a wrapper's own raw mode keeps its content; what others add to its span is still enforced", async () => {
    const h = await start({ capture: "none" });
    const tool = coat(Op.TOOL, { capture: "raw" }, function lookup(city: string) {
      tie("geocoded", { city, lat: 38.7 });
      trace.getActiveSpan()!.recordException(new Error("side note: " + city));
      trace.getActiveSpan()!.setAttribute("llm.input_messages.0.message.content", "added by someone else");
      thirdPartySpan();
      return `sunny in ${city}`;
    });
    expect(tool("Lisbon")).toBe("sunny in Lisbon");
    const spans = await h.spans(2);
    const own = spanNamed(spans, "lookup");
    expect(own.attributes["input.value"]).toBe("Lisbon");
    expect(own.attributes["output.value"]).toBe("sunny in Lisbon");
    expect(own.attributes["llm.input_messages.0.message.content"]).toBeUndefined();
    expect(own.events.find((e) => e.name === "exception")!.attributes["exception.message"]).toBeUndefined();
    // The event coat rendered itself keeps the wrapper's content.
    expect(own.events.find((e) => e.name === "geocoded")!.attributes["envpod.tie.data"]).toBe(JSON.stringify({ city: "Lisbon", lat: 38.7 }));
    const nested = spans.find((s) => s.name.startsWith("POST"))!;
    expect(nested.parentSpanId).toBe(own.spanId);
    expect(nested.attributes["input.value"]).toBeUndefined();
  });
});

describe("hash", () => {
  it("keeps the shape of other libraries' JSON content and digests every leaf with the key, as coat() does", async () => {
    const key = "test-hash-key";
    const h = await start({ capture: "hash", hashKey: key });
    thirdPartySpan();
    const echo = coat(Op.TOOL, function echo(question: string) {
      return question;
    });
    echo("what is the capital of France");
    const spans = await h.spans(2);
    const hmac = (value: unknown) => `hmac-sha256:${createHmac("sha256", key).update(JSON.stringify(value)).digest("hex")}`;
    const third = spans.find((s) => s.name.startsWith("POST"))!;
    const input = JSON.parse(third.attributes["input.value"] as string);
    expect(input.question).toBe(hmac("what is the capital of France"));
    expect(input.nested.password).toBe(hmac(PASSWORD));
    expect(third.attributes["output.value"]).toBe(hmac(`Paris, and by the way my key is ${OPENAI}`));
    expect(third.attributes["llm.token_count.total"]).toBe(42);
    // Equal values give equal digests, whoever recorded them.
    expect(spanNamed(spans, "echo").attributes["input.value"]).toBe(input.question);
    expect(spanNamed(spans, "echo").attributes["envpod.capture.mode"]).toBe("hash");
    expect(h.receiver.allWireText()).not.toContain("capital of France");
  });

  it("without a key, digests are plain SHA-256 and say so", async () => {
    const h = await start({ capture: "hash" });
    coat(Op.TOOL, function echo(x: number) {
      return x;
    })(7);
    const [span] = await h.spans(1);
    expect(span!.attributes["input.value"]).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe("summary", () => {
  it("leaves types and sizes of other libraries' content", async () => {
    const h = await start({ capture: "summary" });
    thirdPartySpan();
    thirdPartyLog();
    const [span] = await h.spans(1);
    const [log] = await h.logs(1);
    expect(JSON.parse(span!.attributes["input.value"] as string)).toEqual({ question: "string(29)", apiKey: `string(${OPENAI.length})`, nested: { password: `string(${PASSWORD.length})` } });
    expect(span!.attributes["llm.input_messages.0.message.role"]).toBe("string(4)");
    expect(log!.body).toBe(`string(${`user logged in with ${OPENAI}`.length})`);
    expect(h.receiver.allWireText()).not.toContain(OPENAI.slice(8, 20));
  });
});

describe("no mode set", () => {
  it("coat's own records capture nothing; other libraries keep their content with secrets scrubbed", async () => {
    const h = await start({});
    thirdPartySpan();
    coat(Op.TOOL, function quiet(x: string) {
      tie("step", { x });
      return x;
    })("private words");
    const spans = await h.spans(2);
    expect(spanNamed(spans, "quiet").attributes["input.value"]).toBeUndefined();
    const third = spans.find((s) => s.name.startsWith("POST"))!;
    expect(JSON.parse(third.attributes["input.value"] as string).question).toBe("what is the capital of France");
    expect(h.receiver.allWireText()).not.toContain(OPENAI.slice(8, 20));
    expect(h.receiver.allWireText()).not.toContain("private words");
  });
});

describe("raw", () => {
  it("changes nothing: content and secrets leave as they are, by explicit choice", async () => {
    const h = await start({ capture: "raw" });
    thirdPartySpan();
    const [span] = await h.spans(1);
    expect(span!.attributes["output.value"]).toBe(`Paris, and by the way my key is ${OPENAI}`);
  });
});

describe("remembered clean values", () => {
  it("a repeated attribute is scrubbed again once its value changes", async () => {
    const h = await start({ capture: "redacted" });
    const tracer = trace.getTracer("repeater");
    for (const value of ["build 17", "build 17", `build ${OPENAI}`, "build 17", `build ${OPENAI}`]) tracer.startSpan("job", { attributes: { "ci.label": value } }).end();
    const spans = await h.spans(5);
    expect(spans.map((s) => s.attributes["ci.label"])).toEqual(["build 17", "build 17", "build [REDACTED:openai-api-key]", "build 17", "build [REDACTED:openai-api-key]"]);
  });

  it("records of one shape: a value, or a key, that differs at a position is enforced, not taken from the last record", async () => {
    const h = await start({ capture: "redacted" });
    const tracer = trace.getTracer("repeater");
    const shapes: Record<string, string>[] = [
      { "app.stage": "build", "app.label": "release 1", "app.owner": "ci" },
      { "app.stage": "build", "app.label": "release 1", "app.owner": "ci" },
      // The same clean value at the same position, now under a sensitive key.
      { "app.stage": "build", password: "release 1", "app.owner": "ci" },
      { "app.stage": "build", "app.label": "release 1", "app.owner": "ci" },
      { "app.stage": "build", "app.label": `release ${OPENAI}`, "app.owner": "ci" },
      // The same secret at the same position again.
      { "app.stage": "build", "app.label": `release ${OPENAI}`, "app.owner": "ci" },
      // Another shape: what was clean at a position under one key, a secret under another.
      { "app.owner": `ci ${OPENAI}`, "app.stage": "build" },
      { "app.stage": "build", "app.label": "release 1", "app.owner": "ci" },
    ];
    for (const attributes of shapes) tracer.startSpan("job", { attributes }).end();
    const spans = await h.spans(shapes.length);
    const unsealed = (attributes: Record<string, unknown>) => Object.fromEntries(Object.entries(attributes).filter(([key]) => !key.startsWith("envpod.seal.")));
    expect(spans.map((s) => unsealed(s.attributes))).toEqual([
      { "app.stage": "build", "app.label": "release 1", "app.owner": "ci" },
      { "app.stage": "build", "app.label": "release 1", "app.owner": "ci" },
      { "app.stage": "build", password: "[REDACTED]", "app.owner": "ci" },
      { "app.stage": "build", "app.label": "release 1", "app.owner": "ci" },
      { "app.stage": "build", "app.label": "release [REDACTED:openai-api-key]", "app.owner": "ci" },
      { "app.stage": "build", "app.label": "release [REDACTED:openai-api-key]", "app.owner": "ci" },
      { "app.owner": "ci [REDACTED:openai-api-key]", "app.stage": "build" },
      { "app.stage": "build", "app.label": "release 1", "app.owner": "ci" },
    ]);
  });

  it("a custom callback sees every string, however often it comes back", async () => {
    const seen: string[] = [];
    const h = await start({
      capture: "redacted",
      redact: { custom: (value) => (seen.push(value), value === "rotating" && seen.filter((s) => s === value).length > 2 ? "[gone]" : value) },
    });
    const tracer = trace.getTracer("repeater");
    for (let i = 0; i < 3; i++) tracer.startSpan("job", { attributes: { "ci.label": "rotating" } }).end();
    const spans = await h.spans(3);
    expect(spans.map((s) => s.attributes["ci.label"])).toEqual(["rotating", "rotating", "[gone]"]);
    expect(seen.filter((s) => s === "rotating")).toHaveLength(3);
  });
});
