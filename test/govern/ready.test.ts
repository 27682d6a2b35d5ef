// The ready policies, through coat() calls as an agent makes them.
import { describe, expect, it } from "vitest";
import { Op, PolicyViolationError, callLimit, coat, costBudget, current, destructiveApproval, loopDetection, rateLimit, secretsInArguments, tokenBudget, toolAccess, withRun } from "../../src/index.js";
import type { Policy } from "../../src/index.js";
import { harnessPerFile } from "../support/harness.js";

harnessPerFile({ capture: "redacted", redact: { keys: ["iban"] } });

/** What each call did: its result, or the kind and reason of the decision that stopped it. */
function outcomes(policies: Policy[], calls: (tool: (...args: unknown[]) => unknown) => unknown[], name = "tool"): unknown[] {
  const tool = coat(Op.TOOL, { name, policies }, function (...args: unknown[]) {
    return `ran ${JSON.stringify(args)}`;
  });
  return withRun(() => calls((...args) => {
    try {
      return tool(...args);
    } catch (error) {
      if (error instanceof PolicyViolationError) return `${error.kind}: ${error.reason}`;
      throw error;
    }
  }));
}

describe("toolAccess", () => {
  it("allows the role's tools, blocks others, and a deny list wins", () => {
    const policies = [toolAccess({ allow: { "*": ["search"], admin: ["search", "deleteUser"] }, deny: { "*": ["shell"] } })];
    expect(outcomes(policies, (t) => [t()], "search")).toEqual(["ran []"]);
    expect(outcomes(policies, (t) => [t()], "deleteUser")).toEqual(['block: deleteUser is not on the tool list of role "*"']);
    expect(outcomes(policies, (t) => [t()], "shell")).toEqual(['block: role "*" may not call shell']);
  });

  it("bad lists are an error at setup", () => {
    expect(() => toolAccess({})).toThrow(/needs allow or deny/);
    expect(() => toolAccess({ allow: { "*": "search" as never } })).toThrow(/map roles to lists of tool names/);
  });
});

describe("callLimit and rateLimit", () => {
  it("callLimit: at most max calls of a tool per run; a new run starts again", () => {
    const policies = [callLimit({ max: 2 })];
    const tool = coat(Op.TOOL, { policies }, function fetchPage() {
      return "page";
    });
    const attempt = () => {
      try {
        return tool();
      } catch (error) {
        return (error as PolicyViolationError).reason;
      }
    };
    expect(withRun(() => [attempt(), attempt(), attempt()])).toEqual(["page", "page", "fetchPage reached its limit of 2 calls per run"]);
    expect(withRun(() => [attempt()])).toEqual(["page"]);
  });

  it("rateLimit: at most max calls per window", () => {
    expect(outcomes([rateLimit({ max: 2, perMs: 60_000 })], (t) => [t(1), t(2), t(3)])).toEqual(["ran [1]", "ran [2]", "block: tool is limited to 2 calls per 60000 ms"]);
  });
});

describe("token and cost budgets", () => {
  it("block calls once the run's LLM usage reached the budget", async () => {
    const llm = coat(Op.LLM, { model: "gpt-4o-mini" }, async function chat() {
      current()?.usage({ input: 600, output: 500 });
      return "ok";
    });
    const tool = coat(Op.TOOL, { policies: [tokenBudget({ max: 1000 }), costBudget({ max: 1 })] }, async function act() {
      return "acted";
    });
    const run = coat(Op.RUN, async function agent() {
      const before = await tool();
      await llm();
      const after = await tool().catch((error: PolicyViolationError) => error.reason);
      return [before, after];
    });
    expect(await run()).toEqual(["acted", "the run used 1100 of its 1000 tokens"]);
  });
});

describe("secretsInArguments", () => {
  const call = { user: "ada", apiKey: "sk-live-abcdefghijklmnopqrstuvwx", card: "4242 4242 4242 4242" };

  it("blocks a call carrying a secret, naming where", () => {
    const [result] = outcomes([secretsInArguments()], (t) => [t(call)]);
    expect(result).toMatch(/^block: secrets in the arguments of tool at 0\.apiKey, 0\.card$/);
  });

  it("or runs it with the secrets redacted", () => {
    const [result] = outcomes([secretsInArguments({ decision: "redact" })], (t) => [t(call)]);
    expect(result).toBe(`ran ${JSON.stringify([{ user: "ada", apiKey: "[REDACTED]", card: "[REDACTED]" }])}`);
  });

  it("uses register()'s redact rules too, and its own beside them", () => {
    expect(outcomes([secretsInArguments()], (t) => [t({ iban: "PT50000201231234567890154" })])).toEqual(["block: secrets in the arguments of tool at 0.iban"]);
    expect(outcomes([secretsInArguments({ rules: { keys: ["badge"] } })], (t) => [t({ badge: "B-7", iban: "PT50" })])).toEqual(["block: secrets in the arguments of tool at 0.badge, 0.iban"]);
  });

  it("lets clean arguments through", () => {
    expect(outcomes([secretsInArguments()], (t) => [t({ city: "Lisbon" })])).toEqual(['ran [{"city":"Lisbon"}]']);
  });
});

describe("loopDetection", () => {
  it("blocks the times-th identical call in a run; other arguments are fine", () => {
    expect(outcomes([loopDetection({ times: 3 })], (t) => [t("a"), t("a"), t("b"), t("a")])).toEqual(['ran ["a"]', 'ran ["a"]', 'ran ["b"]', "block: tool was called 3 times with the same arguments in this run"]);
  });
});

describe("destructiveApproval", () => {
  it("pauses destructive tools for approval and lets the rest run", async () => {
    const asked: string[] = [];
    const approver = (request: { name: string }) => (asked.push(request.name), { approved: false, by: "oncall" });
    const policies = [destructiveApproval({ tools: /^drop|delete/ })];
    const drop = coat(Op.TOOL, { policies, approver }, async function dropTable() {
      return "dropped";
    });
    const read = coat(Op.TOOL, { policies, approver }, async function readTable() {
      return "rows";
    });
    expect(await read()).toBe("rows");
    await expect(drop()).rejects.toMatchObject({ kind: "pause", reason: "approval denied by oncall" });
    expect(asked).toEqual(["dropTable"]);
  });

  it("cannot gate a sync tool: an error when it is wrapped", () => {
    expect(() => coat(Op.TOOL, { policies: [destructiveApproval({ tools: ["rm"] })] }, function rm() {
      return 1;
    })).toThrow(/cannot gate rm, a sync function/);
  });
});
