// The toolkit under node:test, as a user's test file would use it (the built package, by its name).
// Run by test/testing/node-test.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Op, coat, register } from "agent-coat";
import { assertCallOrder, assertNoErrors, assertToolCalled, loadTrace, record, renderTrace, traceFromText } from "agent-coat/testing";

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const fetchPage = coat(Op.TOOL, { name: "fetchPage" }, async (url) => {
  await wait(5);
  return `<html>${url}</html>`;
});
const summarize = coat(Op.LLM, { name: "summarize" }, async (text) => text.length);
const agent = coat(Op.AGENT, { name: "agent" }, async (urls) => {
  const pages = [];
  for (const url of urls) pages.push(await fetchPage(url));
  return summarize(pages.join(""));
});

test("two recordings at once see only their own calls", async () => {
  const [one, two] = await Promise.all([record(() => agent(["a", "b"])), record(() => agent(["c"]))]);
  assertToolCalled(one, "fetchPage", { times: 2 });
  assertToolCalled(two, "fetchPage", { times: 1, args: ["c"] });
  assertCallOrder(one, ["fetchPage", "fetchPage", "summarize"], { strict: true });
  assert.throws(() => assertToolCalled(two, "fetchPage", { args: ["a"] }), (error) => error.name === "AssertionError" && /with arguments matching \["a"\]/.test(error.message));
  assertNoErrors(one);
});

test("the file sink's records load into the same model a recording gives", async () => {
  const dir = mkdtempSync(join(tmpdir(), "coat-toolkit-"));
  const file = join(dir, "records.jsonl");
  const telemetry = register({ serviceName: "toolkit-test", capture: "raw", file, stderr: false, env: {} });
  try {
    await agent(["x", "y"]);
    await telemetry.shutdown();
    const loaded = await loadTrace(file);
    assert.deepEqual(loaded, traceFromText(readFileSync(file, "utf8")));
    assertToolCalled(loaded, "fetchPage", { times: 1, args: ["y"] });
    const recorded = await record(() => agent(["x", "y"]));
    assert.equal(renderTrace(loaded), renderTrace(recorded));
  } finally {
    await telemetry.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
});
