/**
 * coat()'s own records in the redacted, hash and summary modes: spans, exception events, status,
 * tie payloads, streamed output and the AOT envelopes of the log records, as they crossed the wire.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coat, Op, tie } from "../../src/index.js";
import type { Harness } from "../support/harness.js";
import { asMap, spanNamed, startHarness } from "../support/harness.js";

const SECRET = "sk-proj-Zq8vT3xY7wK2mN5pR4sL9aB1cD6eF0gH";
const KEY = "wrapper-test-key";
const hmac = (value: unknown) => `hmac-sha256:${createHmac("sha256", KEY).update(JSON.stringify(value)).digest("hex")}`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ hashKey: KEY });
});
afterAll(async () => {
  await h.close();
});

const modeOf = (mode: "redacted" | "hash" | "summary") => ({ capture: mode });

async function run(mode: "redacted" | "hash" | "summary") {
  await h.reset();
  const book = coat(Op.TOOL, { ...modeOf(mode), name: `book-${mode}` }, function book(order: { city: string; card: string; nights: number }) {
    tie("priced", { total: 420, note: `card ${order.card}` });
    return { confirmation: "ABC123", city: order.city };
  });
  const fail = coat(Op.TOOL, { ...modeOf(mode), name: `fail-${mode}` }, function fail() {
    throw new RangeError(`quota exceeded for ${SECRET}`);
  });
  const reply = coat(Op.LLM, { ...modeOf(mode), name: `stream-${mode}` }, async function* reply() {
    yield "Hello ";
    yield `your key is ${SECRET}`;
  });
  const result = book({ city: "Porto", card: SECRET, nights: 2 });
  expect(result).toEqual({ confirmation: "ABC123", city: "Porto" });
  expect(() => fail()).toThrow(RangeError);
  const chunks: string[] = [];
  for await (const chunk of reply()) chunks.push(chunk);
  expect(chunks).toEqual(["Hello ", `your key is ${SECRET}`]);
  const spans = await h.spans(3);
  const booked = spanNamed(spans, `book-${mode}`);
  const failed = spanNamed(spans, `fail-${mode}`);
  const streamed = spanNamed(spans, `stream-${mode}`);
  const bookLogs = await h.logsFor(booked, 3);
  return { booked, failed, streamed, bookLogs, wire: h.receiver.allWireText() };
}

describe("redacted", () => {
  it("content is kept, secrets replaced everywhere coat writes content", async () => {
    const { booked, failed, streamed, bookLogs, wire } = await run("redacted");
    expect(wire).not.toContain(SECRET.slice(8, 20));
    expect(booked.attributes["envpod.capture.mode"]).toBe("redacted");
    expect(JSON.parse(booked.attributes["input.value"] as string)).toMatchObject({ city: "Porto", nights: 2, card: expect.stringMatching(/^\[REDACTED/) });
    expect(JSON.parse(booked.attributes["output.value"] as string)).toEqual({ confirmation: "ABC123", city: "Porto" });
    expect(JSON.parse(booked.events[0]!.attributes["envpod.tie.data"] as string)).toMatchObject({ total: 420, note: expect.stringMatching(/^card \[REDACTED/) });
    const exception = failed.events.find((e) => e.name === "exception")!;
    expect(exception.attributes["exception.message"]).toMatch(/^quota exceeded for \[REDACTED/);
    expect(failed.status.message).toMatch(/^quota exceeded for \[REDACTED/);
    expect(streamed.attributes["output.value"]).toMatch(/^Hello your key is \[REDACTED/);
    const request = asMap(bookLogs[0]!.body);
    expect(asMap(request.capture).mode).toBe("redacted");
    expect(JSON.parse(asMap(asMap(request.payload).preview).input as string)).toMatchObject({ city: "Porto" });
  });
});

describe("hash", () => {
  it("every leaf is a keyed digest; error types stay readable; the status says the type", async () => {
    const { booked, failed, streamed, bookLogs, wire } = await run("hash");
    expect(wire).not.toContain("Porto");
    expect(JSON.parse(booked.attributes["input.value"] as string)).toEqual({ city: hmac("Porto"), card: hmac(SECRET), nights: hmac(2) });
    expect(JSON.parse(booked.events[0]!.attributes["envpod.tie.data"] as string)).toEqual({ total: hmac(420), note: hmac(`card ${SECRET}`) });
    const exception = failed.events.find((e) => e.name === "exception")!;
    expect(exception.attributes["exception.type"]).toBe("RangeError");
    expect(exception.attributes["exception.message"]).toBe(hmac(`quota exceeded for ${SECRET}`));
    expect(failed.status.message).toBe("RangeError");
    expect(streamed.attributes["output.value"]).toBe(hmac(`Hello your key is ${SECRET}`));
    const response = asMap(bookLogs[2]!.body);
    expect(JSON.parse(asMap(asMap(response.payload).preview).output as string)).toEqual({ confirmation: hmac("ABC123"), city: hmac("Porto") });
  });
});

describe("summary", () => {
  it("types and sizes only", async () => {
    const { booked, failed, streamed, wire } = await run("summary");
    expect(wire).not.toContain("Porto");
    expect(wire).not.toContain("ABC123");
    expect(JSON.parse(booked.attributes["input.value"] as string)).toEqual({ city: "string(5)", card: `string(${SECRET.length})`, nights: "number" });
    expect(failed.events.find((e) => e.name === "exception")!.attributes["exception.message"]).toBe(`string(${`quota exceeded for ${SECRET}`.length})`);
    expect(failed.status.message).toBe("RangeError");
    expect(streamed.attributes["output.value"]).toBe(`string(${`Hello your key is ${SECRET}`.length})`);
  });
});
