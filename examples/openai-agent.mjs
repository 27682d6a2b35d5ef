// A concierge agent on the real `openai` SDK, recorded by agent-coat's client wrapper: the model
// asks for two tools, the agent runs them, and a streamed reply answers. The model is a stand-in
// inside the process (./fake-openai.mjs), so no key or network is needed. Records go to a local
// OTLP JSON lines file; with OTEL_EXPORTER_OTLP_ENDPOINT set they are exported there too.
// The agent itself is in ./concierge.mjs; ./openai-agent.test.mjs tests what it does.
import { rmSync } from "node:fs";
import { register, withSession } from "agent-coat";
import { run } from "./concierge.mjs";

const file = process.env.ENVPOD_COAT_FILE || "coat-openai-agent.jsonl";
rmSync(file, { force: true });
const telemetry = register({ serviceName: "openai-agent", capture: "redacted", file, stderr: false });

const answer = await withSession(() => run("What's the weather in Lisbon, and can you book dinner for two at 8?"));
await telemetry.shutdown();
console.log(`agent answered: ${answer}`);
console.log(`recorded to ${file}; \`npx coat show ${file}\` prints the tree`);
