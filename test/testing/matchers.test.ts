import { expect, it } from "vitest";
import { coat, Op } from "../../src/index.js";
import { record } from "../../src/testing/index.js";
import type { CoatMatchers } from "../../src/testing/matchers.js";
import { coatMatchers } from "../../src/testing/matchers.js";

declare module "vitest" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Assertion<T> extends CoatMatchers<T> {}
}
expect.extend(coatMatchers);

const lookup = coat(Op.TOOL, { name: "lookup" }, (id: number) => ({ id, found: id > 0 }));
const fails = coat(Op.TOOL, { name: "fails" }, () => {
  throw new TypeError("nope");
});

it("the assertions as matchers, negated with .not, failing with the assertion's message", async () => {
  const trace = await record(() => {
    lookup(1);
    lookup(2);
  });
  expect(trace).toHaveCalledTool("lookup", { times: 2 });
  expect(trace).toHaveCalledTool("lookup", { args: [2] });
  expect(trace).not.toHaveCalledTool("lookup", { args: [3] });
  expect(trace).not.toHaveCalledTool("delete");
  expect(trace).toHaveCalledInOrder(["lookup", "lookup"], { strict: true });
  expect(trace).toHaveNoErrors();
  expect(trace).toBeSealed();
  expect(() => expect(trace).toHaveCalledTool("lookup", { times: 3 })).toThrow(/expected tool "lookup" to be called 3 times; it was called 2 times/);
  expect(() => expect(trace).not.toHaveCalledTool("lookup")).toThrow(/expected tool "lookup" not to be called, but it was/);
  expect(() => expect({}).toHaveCalledTool("x")).toThrow(/needs a trace/);

  const failed = await record(() => {
    try {
      fails();
    } catch {
      // the agent carries on
    }
  });
  expect(failed).toHaveErrored("fails", { type: "TypeError", message: /no/ });
  expect(failed).not.toHaveNoErrors();
});
