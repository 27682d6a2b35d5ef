/**
 * The published surface: build, pack, install the tarball into a scratch project, then use it
 * from ESM, CommonJS, TypeScript (types through "exports") and the `coat` bin.
 */
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type OpenAIHttpFake, startOpenAIHttpFake } from "./fakes/openai-http.js";
import { type AnthropicFake, startAnthropicFake } from "./fakes/anthropic-api.js";

const root = resolve(import.meta.dirname, "..");
let scratch: string;
let openaiApi: OpenAIHttpFake;
let anthropicApi: AnthropicFake;

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "agent-coat-pkg-"));
  const packed = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", scratch], root)) as { filename: string; files: { path: string }[] }[];
  const files = packed[0]!.files.map((f) => f.path);
  expect(files).toContain("dist/esm/index.js");
  expect(files).toContain("dist/cjs/index.js");
  expect(files.some((f) => f.startsWith("src/") || f.startsWith("test/"))).toBe(false);
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module" }));
  // The README's install command: agent-coat beside the OpenTelemetry SDK of the user's line,
  // and the OpenAI client its LLM snippet wraps (answered by a loopback fake of the API).
  run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", join(scratch, packed[0]!.filename), "@opentelemetry/api", "@opentelemetry/sdk-node", "openai@^7", "@langchain/core@^1", "@langchain/openai@^1", "@modelcontextprotocol/sdk@^1.32.2", "@openai/agents@0.20.0", "@anthropic-ai/claude-agent-sdk@0.3.337"], scratch);
  openaiApi = await startOpenAIHttpFake();
  anthropicApi = await startAnthropicFake();
}, 240_000);

afterAll(async () => {
  await openaiApi?.close();
  await anthropicApi?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const script = (load: string) => `
${load}
const file = process.argv[2];
const telemetry = register({ serviceName: "pkg-test", file, stderr: false, capture: "raw" });
const add = coat(Op.TOOL, { description: "adds" }, function add(a, b) { tie("adding", { a, b }); return a + b; });
const ask = coat(Op.LLM, { model: "m-1" }, async function ask(q) { current().usage({ input: 1, output: 2 }); return add(q, 1); });
const result = await ask(41);
await telemetry.shutdown();
console.log(JSON.stringify({ result, name: add.name, length: add.length }));
`;

function checkRecords(file: string) {
  const lines = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const spans = lines.flatMap((l) => (l.resourceSpans ?? []).flatMap((r: any) => r.scopeSpans.flatMap((s: any) => s.spans)));
  const logs = lines.flatMap((l) => (l.resourceLogs ?? []).flatMap((r: any) => r.scopeLogs.flatMap((s: any) => s.logRecords)));
  // Sealed by default: each chain has its checkpoints — the span chain's on its spans (never a span of its own).
  const checkpoint = "envpod.seal.checkpoint";
  expect(spans.filter((s: any) => s.name === checkpoint)).toEqual([]);
  expect(spans.filter((s: any) => s.attributes.some((a: any) => a.key === "envpod.seal.checkpoint.final")).length).toBeGreaterThanOrEqual(1);
  expect(logs.filter((l: any) => l.eventName === checkpoint).length).toBeGreaterThanOrEqual(1);
  expect(spans.filter((s: any) => s.name !== checkpoint).map((s: any) => s.name).sort()).toEqual(["add", "ask"]);
  const add = spans.find((s: any) => s.name === "add");
  const ask = spans.find((s: any) => s.name === "ask");
  expect(add.parentSpanId).toBe(ask.spanId);
  expect(logs.filter((l: any) => l.eventName !== checkpoint).map((l: any) => l.eventName).sort()).toEqual(["agent.llm.request", "agent.llm.response", "agent.tool.event", "agent.tool.request", "agent.tool.response"]);
}

it("works from ESM", () => {
  writeFileSync(join(scratch, "esm.mjs"), script(`import { register, coat, tie, Op, current } from "agent-coat";`));
  const out = run(process.execPath, ["esm.mjs", join(scratch, "esm.jsonl")], scratch);
  expect(JSON.parse(out)).toEqual({ result: 42, name: "add", length: 2 });
  checkRecords(join(scratch, "esm.jsonl"));
});

it("works from CommonJS", () => {
  writeFileSync(join(scratch, "cjs.cjs"), `(async () => {${script(`const { register, coat, tie, Op, current } = require("agent-coat");`)}})();`);
  const out = run(process.execPath, ["cjs.cjs", join(scratch, "cjs.jsonl")], scratch);
  expect(JSON.parse(out)).toEqual({ result: 42, name: "add", length: 2 });
  checkRecords(join(scratch, "cjs.jsonl"));
});

it("ships types that resolve through exports, and the coat bin", () => {
  writeFileSync(
    join(scratch, "typed.ts"),
    `import { coat, Op, register, type CoatTelemetry, type ActiveCall } from "agent-coat";
const add = coat(Op.TOOL, (a: number, b: number) => a + b);
const n: number = add(1, 2);
// @ts-expect-error the wrapper keeps the signature
add("x", 2);
const t: CoatTelemetry = register;
const c: ActiveCall | undefined = undefined;
export { n, t, c };
`,
  );
  writeFileSync(join(scratch, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, module: "NodeNext", moduleResolution: "NodeNext", noEmit: true, skipLibCheck: false, types: [] }, files: ["typed.ts"] }));
  let diagnostics = "";
  try {
    run(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], scratch);
  } catch (error) {
    diagnostics = String((error as { stdout?: string }).stdout);
  }
  // Exactly one error is expected: assigning the register function to a CoatTelemetry.
  expect(diagnostics).toMatch(/typed\.ts\(6,\d+\): error TS2/);
  expect(diagnostics.trim().split("\n").filter((l) => l.includes("error TS"))).toHaveLength(1);

  const shown = run("npx", ["--no-install", "coat", "show", join(scratch, "esm.jsonl")], scratch);
  expect(shown).toContain("ask  LLM  m-1");
  expect(shown).toContain("└─ add  TOOL");
  expect(run("npx", ["--no-install", "coat", "--version"], scratch).trim()).toBe(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version);
});

it("serves the adapters as subpaths, and agent-coat alone loads no LLM SDK", () => {
  writeFileSync(
    join(scratch, "subpaths.cjs"),
    `const { coatOpenAI } = require("agent-coat/openai");
const { coatAnthropic } = require("agent-coat/anthropic");
const { coatAiTools } = require("agent-coat/ai");
const { coatLangChain } = require("agent-coat/langchain");
const { coatMcpClient } = require("agent-coat/mcp");
const { CoatAgentsProcessor } = require("agent-coat/openai-agents");
const { coatQuery, coatClaudeHooks } = require("agent-coat/claude-agent-sdk");
console.log([typeof coatOpenAI, typeof coatAnthropic, typeof coatAiTools, typeof coatLangChain, typeof coatMcpClient, typeof CoatAgentsProcessor, typeof coatQuery, typeof coatClaudeHooks].join(","));`,
  );
  expect(run(process.execPath, ["subpaths.cjs"], scratch).trim()).toBe("function,function,function,function,function,function,function,function");
  writeFileSync(join(scratch, "subpaths.mjs"), `import { coatOpenAI } from "agent-coat/openai"; import { coatAnthropic } from "agent-coat/anthropic"; import { coatAiTools } from "agent-coat/ai"; import { coatMcpServer } from "agent-coat/mcp"; console.log([coatOpenAI, coatAnthropic, coatAiTools, coatMcpServer].map((f) => typeof f).join(","));`);
  expect(run(process.execPath, ["subpaths.mjs"], scratch).trim()).toBe("function,function,function,function");
  // openai is installed beside it here: requiring agent-coat must not load it.
  writeFileSync(join(scratch, "alone.cjs"), `require("agent-coat"); console.log(Object.keys(require.cache).filter((p) => /node_modules[\\/](openai|@anthropic-ai|ai|@langchain)[\\/]/.test(p)).length);`);
  expect(run(process.execPath, ["alone.cjs"], scratch).trim()).toBe("0");
});

it("serves agent-coat/testing and its matchers (ESM and CommonJS), and the example's behavioural test passes as a user copies it", async () => {
  writeFileSync(join(scratch, "testing.cjs"), `const { record, assertToolCalled } = require("agent-coat/testing"); const { coatMatchers } = require("agent-coat/testing/matchers"); console.log([typeof record, typeof assertToolCalled, typeof coatMatchers.toHaveCalledTool].join(","));`);
  expect(run(process.execPath, ["testing.cjs"], scratch).trim()).toBe("function,function,function");
  for (const name of ["concierge.mjs", "fake-openai.mjs", "openai-agent.test.mjs"]) writeFileSync(join(scratch, name), readFileSync(join(root, "examples", name)));
  const { stdout } = await promisify(execFile)(process.execPath, ["--test", "--test-reporter=tap", "openai-agent.test.mjs"], { cwd: scratch, encoding: "utf8" }).catch((error: { stdout: string; stderr: string }) => {
    throw new Error(`${error.stdout}\n${error.stderr}`);
  });
  expect(stdout).toMatch(/^# pass 4$/m);
  expect(stdout).toMatch(/^# fail 0$/m);
});

it("runs every js snippet of the README against the installed package", async () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const snippets = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(snippets.length).toBeGreaterThanOrEqual(2);
  // Run asynchronously: the fake OpenAI API answers from this process's event loop.
  const env = { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: "", OPENAI_BASE_URL: openaiApi.baseURL, OPENAI_API_KEY: "sk-test", OPENAI_MAX_RETRIES: "0", ANTHROPIC_BASE_URL: anthropicApi.url, ANTHROPIC_API_KEY: "test-key", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1", HOME: scratch };
  for (const [i, code] of snippets.entries()) {
    const file = join(scratch, `readme-${i}.mjs`);
    writeFileSync(file, code);
    const failure = await promisify(execFile)(process.execPath, [file], { cwd: scratch, encoding: "utf8", env, timeout: 60_000 }).then(
      () => undefined,
      (error: { stderr?: string; message: string }) => error.stderr || error.message,
    );
    expect(failure, `snippet ${i} failed`).toBeUndefined();
  }
  // The LLM snippet's two calls reached the API and came back as chat records.
  // The OpenAI snippet's two calls, then the LangChain snippet's one, then the OpenAI Agents snippet's one.
  expect(openaiApi.requests.map((r) => r.body.stream ?? false)).toEqual([false, true, false, false]);
  const recorded = readFileSync(join(scratch, "coat-llm.jsonl"), "utf8");
  const spans = recorded.trim().split("\n").flatMap((l) => (JSON.parse(l).resourceSpans ?? []).flatMap((r: any) => r.scopeSpans.flatMap((s: any) => s.spans)));
  const llm = spans.filter((s: any) => s.attributes.some((a: any) => a.key === "llm.output_messages.0.message.role"));
  expect(llm).toHaveLength(2);
  // The Claude Agent SDK snippet's query reached the Messages API through Claude Code.
  expect(anthropicApi.requests.filter((r) => r.path === "/v1/messages").length).toBeGreaterThanOrEqual(1);
});
