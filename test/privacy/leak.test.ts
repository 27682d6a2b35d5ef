/**
 * The leak test: every secret of the corpus, planted everywhere a secret ends up in real agents,
 * run through the real OTLP exporters in the redacted, hash and summary modes. Not one secret,
 * nor any 8-character run of one, may appear in any byte that crossed the wire.
 */
import { trace } from "@opentelemetry/api";
import { logs } from "@opentelemetry/api-logs";
import { afterEach, describe, expect, it } from "vitest";
import { coat, Op, tie } from "../../src/index.js";
import { SECRETS } from "../fixtures/secret-corpus.js";
import type { Harness } from "../support/harness.js";
import { startHarness } from "../support/harness.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const PROSE = "The quarterly report covers revenue, churn and the capital of France. ";

/** Plants one secret in arguments, results, long and JSON strings, URLs, errors, tie payloads, streams and third-party records. */
async function plant(secret: string, inText: string, i: number): Promise<void> {
  const tool = coat(Op.TOOL, function configure(request: unknown, raw: string) {
    tie("loaded", { source: "env", line: inText });
    return { reply: `configured with ${inText}`, echo: request, raw };
  });
  tool(
    {
      note: inText,
      // A bare secret is only recognisable by itself (a provider key) or by where it sits (a
      // sensitive key, a credential position): the corpus text carries that context otherwise.
      nested: { deep: { value: inText, list: [inText, { password: secret }] } },
      url: `https://api.example.com/v1/items?api_key=${encodeURIComponent(secret)}&q=ok`,
      long: `${PROSE.repeat(3)}${inText} ${PROSE.repeat(80)}`,
      // The secret straddling the default 200-character cap of captured strings.
      straddling: `${"x".repeat(190 - (i % 20))} ${inText}`,
    },
    JSON.stringify({ config: { credential: secret, text: inText } }),
  );
  const failing = coat(Op.TOOL, function call() {
    throw new Error(`request failed: ${inText}`);
  });
  expect(failing).toThrow(Error);
  const stream = coat(Op.LLM, async function* reply() {
    const text = `Sure. ${inText} is what you asked for.`;
    const cut = Math.floor(text.length / 2);
    yield text.slice(0, cut);
    yield text.slice(cut);
  });
  for await (const _ of stream()) void _;
  // Credentials in URLs are single tokens: multi-line secrets (PEM blocks) go in other places only.
  const token = /\s/.test(secret) ? "t0k3n-placeholder" : secret;
  const span = trace.getTracer("third-party-http").startSpan(`GET https://svc.example.com/?token=${token}`);
  span.setAttributes({ "input.value": JSON.stringify({ headers: { x: inText } }), "url.full": `https://u:${encodeURIComponent(token)}@db.example.com/x`, "note": inText });
  span.addEvent("log", { message: inText });
  span.recordException(new Error(`upstream said ${inText}`));
  span.end();
  logs.getLogger("third-party-logger").emit({ body: `processing ${inText}`, attributes: { detail: inText } });
}

/** Every 8-character run of every secret; runs made only of hex digits must reach 16 (random ids on the wire are hex). */
function leakedRuns(wire: string): string[] {
  const found = new Set<string>();
  for (const { kind, secret } of SECRETS) {
    for (let i = 0; i + 8 <= secret.length; i++) {
      const run = secret.slice(i, i + 8);
      if (/^[0-9a-f]+$/i.test(run)) {
        if (i + 16 <= secret.length && wire.includes(secret.slice(i, i + 16))) found.add(`${kind}: ${secret.slice(i, i + 16)}`);
      } else if (wire.includes(run)) {
        found.add(`${kind}: ${run}`);
      }
    }
  }
  return [...found];
}

describe.each(["redacted", "hash", "summary"] as const)("%s", (mode) => {
  it(`no secret of ${SECRETS.length} crosses the wire, nor any 8-character run of one`, async () => {
    expect(new Set(SECRETS.map((s) => s.kind)).size).toBeGreaterThanOrEqual(15);
    expect(SECRETS.length).toBeGreaterThanOrEqual(40);
    const h = (harness = await startHarness({ capture: mode, hashKey: "leak-test" }));
    for (let i = 0; i < SECRETS.length; i++) await plant(SECRETS[i]!.secret, SECRETS[i]!.inText, i);
    await h.spans(SECRETS.length * 4, 30_000);
    await h.logs(SECRETS.length * 8, 30_000);
    // Digests are hex; they cannot carry a secret and would only add chance matches.
    const wire = h.receiver.allWireText().replace(/(?:hmac-)?sha256:[0-9a-f]{64}/g, "");
    expect(wire.length).toBeGreaterThan(100_000);
    expect(leakedRuns(wire)).toEqual([]);
    if (mode === "redacted") {
      // Content that is not secret still arrives: redaction is not dropping everything.
      expect(wire).toContain("capital of France");
      expect(wire).toContain("configured with");
      expect(wire).toContain("request failed: ");
    } else {
      expect(wire).not.toContain("capital of France");
    }
  }, 120_000);
});
