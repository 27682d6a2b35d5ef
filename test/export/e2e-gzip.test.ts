import { describe, it } from "vitest";
import { exportOverHttpProtobuf } from "./e2e.js";

describe("register() with http/protobuf, gzip, and our serializers", () => {
  it("records reach the receiver gzipped and decode", () => exportOverHttpProtobuf("gzip"));
});
