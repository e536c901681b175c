import { describe, expect, it } from "vitest";
import { parseApplication, parseOrganization } from "../../src/core/parse.js";
import { AppError, ExitCode, InternalError, UnexpectedResponseError } from "../../src/shared/errors.js";

describe("errors that say whose fault they are", () => {
  it("an answer without a documented field is an UnexpectedResponseError (exit 1) naming the field", () => {
    const thrown = (() => {
      try {
        parseApplication({ displayName: "no ids" });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(UnexpectedResponseError);
    expect((thrown as AppError).exitCode).toBe(ExitCode.Failed);
    expect((thrown as Error).message).toMatch(/^Unexpected answer from Microsoft Graph: .*has no (id|appId)/);
    expect(() => parseOrganization(null)).toThrow(UnexpectedResponseError);
  });

  it("a broken invariant says it is a bug and asks for a report", () => {
    const error = new InternalError("no application after apply");
    expect(error).toBeInstanceOf(AppError);
    expect(error.exitCode).toBe(ExitCode.Failed);
    expect(error.message).toBe("Internal error in entra-onboard (a bug, please report it with the --verbose output): no application after apply.");
  });
});
