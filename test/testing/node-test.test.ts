// The toolkit's node:test files, and the example's behavioural test, run as users run them:
// `node --test` on the built package.
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");

async function nodeTest(file: string): Promise<{ pass: number; fail: number; out: string }> {
  const result = await promisify(execFile)(process.execPath, ["--test", "--test-reporter=tap", file], { cwd: root, env: { ...process.env, ENVPOD_COAT_CAPTURE: "none" } }).catch((error: { stdout: string; stderr: string }) => error);
  const out = `${result.stdout}\n${result.stderr}`;
  const count = (name: string) => Number(/^# (\w+) (\d+)$/gm.exec(out) && new RegExp(`^# ${name} (\\d+)$`, "m").exec(out)?.[1]);
  return { pass: count("pass"), fail: count("fail"), out };
}

it("the toolkit under node:test: concurrent recordings, the file sink's model", async () => {
  const { pass, fail, out } = await nodeTest("test/testing/toolkit.node-test.mjs");
  expect({ pass, fail }, out).toEqual({ pass: 2, fail: 0 });
});

it("examples/openai-agent.test.mjs, the behavioural test a user can copy, passes against the real openai SDK", async () => {
  const { pass, fail, out } = await nodeTest("examples/openai-agent.test.mjs");
  expect({ pass, fail }, out).toEqual({ pass: 4, fail: 0 });
});
