// Shared by the scenario scripts. The harness copies this folder into each scratch app and runs a
// scenario there with the cell's Node, so `agent-coat` and the OpenTelemetry packages resolve from
// the app's own node_modules, as in a user's project.
//
// Environment (set by the harness):
//   COMPAT_LINE      the OpenTelemetry line, e.g. "2.x"
//   COMPAT_MODULES   JSON: the line's module names (cells.json "modules"), e.g. traceSdk, logsApi
//   COMPAT_ENDPOINT  base URL of the receiver (http://127.0.0.1:PORT)
//   COMPAT_USER_ENDPOINT  base URL of a second receiver for the user's own exporters (providers)

export const SECRET = "sk-live-1234567890abcdefghij";
export const line = process.env.COMPAT_LINE ?? "";
export const modules = JSON.parse(process.env.COMPAT_MODULES ?? "{}");
export const endpoint = process.env.COMPAT_ENDPOINT ?? "";
export const options = { capture: "redacted", endpoint };

/** The same calls in every style: 5 sync tool calls, one async call, one that throws (caught). */
export function makeCalls(coat, Op) {
  const lookup = coat(Op.TOOL, function lookup(q) {
    return { q, token: SECRET };
  });
  const lookupAsync = coat(Op.TOOL, async function lookupAsync(q) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { q, token: SECRET };
  });
  const lookupFails = coat(Op.TOOL, function lookupFails(q) {
    throw new Error(`lookup of ${q} failed with key ${SECRET}`);
  });
  return async function callAll() {
    const calls = [];
    for (let i = 0; i < 5; i++) {
      const r = lookup(`q${i}`);
      if (r?.q !== `q${i}`) throw new Error(`lookup returned ${JSON.stringify(r)}`);
      calls.push({ name: "lookup", op: "tool", ok: true });
    }
    const a = await lookupAsync("async");
    if (a?.q !== "async") throw new Error(`lookupAsync returned ${JSON.stringify(a)}`);
    calls.push({ name: "lookupAsync", op: "tool", ok: true });
    let caught = false;
    try {
      lookupFails("bad");
    } catch (error) {
      caught = error instanceof Error && error.message.includes("failed");
    }
    if (!caught) throw new Error("lookupFails did not throw its own error");
    calls.push({ name: "lookupFails", op: "tool", ok: false });
    return calls;
  };
}

/** One span from the user's own tracer, with a secret-looking attribute value. */
export function userSpan(trace) {
  trace.getTracer("user").startActiveSpan("user-work", (span) => {
    span.setAttribute("user.note", `calling with Bearer ${SECRET}`);
    span.end();
  });
  return { name: "user-work", attribute: "user.note" };
}

/** One log record from the user's own logger (the logs API of the line), with a secret in the body. */
export function userLog(logsApi) {
  logsApi.getLogger("user").emit({ severityNumber: 9, severityText: "INFO", body: `user log: token ${SECRET}`, attributes: { "user.kind": "note" } });
  return { scope: "user" };
}

/** The logs API global of the line: `logs` of @opentelemetry/api-logs (2.x) or of @opentelemetry/api (3.x). */
export async function logsApiOfLine() {
  const mod = await import(modules.logsApi);
  const logs = mod.logs ?? mod.default?.logs;
  if (!logs) throw new Error(`${modules.logsApi} has no "logs" export`);
  return logs;
}

export function report(style, extra) {
  process.stdout.write(`${JSON.stringify({ style, line, node: process.version, ...extra })}\n`);
}
