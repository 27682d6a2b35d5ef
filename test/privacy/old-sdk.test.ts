/**
 * sdk-trace-base before 2.3.0 never calls onEnding: coatSpanProcessors() must still keep content
 * the mode does not allow off the wire. Runs the real 2.2.0 SDK (installed under an alias).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { BasicTracerProvider as OldProvider } from "sdk-trace-base-2.2";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { coatSpanProcessors } from "../../src/index.js";
import type { OtlpReceiver } from "../support/otlp-receiver.js";
import { startOtlpReceiver } from "../support/otlp-receiver.js";

const SECRET = "sk-proj-Zq8vT3xY7wK2mN5pR4sL9aB1cD6eF0gH";
let receiver: OtlpReceiver;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await receiver.close();
});

it("the installed alias really is an SDK without onEnding", () => {
  const require = createRequire(import.meta.url);
  const version = JSON.parse(readFileSync(require.resolve("sdk-trace-base-2.2/package.json"), "utf8")).version as string;
  expect(version).toBe("2.2.0");
  const spanSource = readFileSync(require.resolve("sdk-trace-base-2.2/build/src/Span.js"), "utf8");
  expect(spanSource).not.toContain("onEnding");
});

it("content is enforced on a copy in onEnd, and only the copy is exported", async () => {
  const processors = coatSpanProcessors({ tracesEndpoint: `${receiver.httpUrl}/v1/traces`, capture: "none", stderr: false, file: false });
  // The old SDK's processor interface is the same shape; its own types predate onEnding.
  const provider = new OldProvider({ spanProcessors: processors as never });
  const span = provider.getTracer("legacy-instrumentation").startSpan(`GET /items?token=${SECRET}`);
  span.setAttribute("input.value", "the user's private question");
  span.setAttribute("http.route", "/items");
  span.recordException(new Error(`failed with ${SECRET}`));
  span.end();
  await provider.forceFlush();
  const [received] = await receiver.waitForSpans(1);
  expect(received!.attributes["input.value"]).toBeUndefined();
  expect(received!.attributes["http.route"]).toBe("/items");
  expect(received!.name).toMatch(/^GET \/items\?token=\[REDACTED/);
  expect(received!.events[0]!.attributes["exception.message"]).toBeUndefined();
  expect(receiver.allWireText()).not.toContain(SECRET.slice(8, 20));
  expect(receiver.allWireText()).not.toContain("private question");
  // The SDK's own span object was not touched.
  expect((span as unknown as { attributes: Record<string, unknown> }).attributes["input.value"]).toBe("the user's private question");
  await provider.shutdown();
});
