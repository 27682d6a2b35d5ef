import { describe, it } from "vitest";
import { exportOverHttpProtobuf } from "./e2e.js";

describe("register() with http/protobuf and our serializers", () => {
  it("records reach the receiver and decode", () => exportOverHttpProtobuf("none"));
});
