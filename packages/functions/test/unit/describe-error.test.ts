import { ConflictError, NotFoundError, ValidationError } from "@rooms/core/errors";
import { describe, expect, it } from "vitest";
import { describeError } from "../../src/errors/describe-error";

const middyError = (statusCode: number) =>
  Object.assign(new Error("Invalid or malformed JSON was provided"), {
    statusCode,
    cause: { package: "@middy/http-json-body-parser" },
  });

describe("describeError", () => {
  it("keeps a domain error's code, status and message, with issues or the current item", () => {
    expect(describeError(new NotFoundError("Room x does not exist"))).toEqual({
      status: 404,
      code: "not_found",
      message: "Room x does not exist",
      expected: true,
    });
    expect(
      describeError(new ValidationError("bad", [{ path: ["name"], message: "too long" }])).issues,
    ).toEqual([{ path: ["name"], message: "too long" }]);
    expect(describeError(new ConflictError("stale", { version: 3 }))).toMatchObject({
      status: 409,
      current: { version: 3 },
    });
  });

  it("maps Middy's JSON parser errors to the contract's codes", () => {
    expect(describeError(middyError(422))).toMatchObject({
      status: 400,
      code: "bad_request",
      message: "Body is not valid JSON",
    });
    expect(describeError(middyError(422), { subject: "Frame" }).message).toBe("Frame is not valid JSON");
    expect(describeError(middyError(415))).toMatchObject({ status: 415, code: "unsupported_media_type" });
  });

  it("hides anything else behind a generic 500", () => {
    const secret = Object.assign(new Error("connect ECONNREFUSED 10.0.0.12:443"), { statusCode: 400 });
    expect(describeError(secret)).toEqual({
      status: 500,
      code: "internal",
      message: "Internal error",
      expected: false,
    });
    expect(describeError("a string")).toMatchObject({ status: 500, code: "internal" });
  });
});
