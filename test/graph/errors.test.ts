import { describe, expect, it } from "vitest";
import { parseGraphError } from "../../src/graph/errors.js";

describe("parseGraphError", () => {
  it("reads the standard envelope", () => {
    const info = parseGraphError({
      error: { code: "Request_BadRequest", message: "bad", details: [{ code: "NoBackingApplicationObject", message: "m", target: "appId" }], innerError: { "request-id": "r1" } },
    });
    expect(info).toEqual({ code: "Request_BadRequest", message: "bad", requestId: "r1", details: [{ code: "NoBackingApplicationObject", message: "m", target: "appId" }] });
  });

  it("tolerates {lang,value} messages, object details, lower-case innererror and JSON text", () => {
    const body = JSON.stringify({ error: { code: "C", message: { lang: "en", value: "legacy" }, details: { code: "D" }, innererror: { "request-id": "r2" } } });
    expect(parseGraphError(body)).toEqual({ code: "C", message: "legacy", requestId: "r2", details: [{ code: "D", message: "" }] });
  });

  it("falls back to the request-id header and to a short text excerpt", () => {
    const info = parseGraphError("<html><body>Bad   Gateway</body></html>", { "request-id": "h1" });
    expect(info).toEqual({ code: "", message: "<html><body>Bad Gateway</body></html>", requestId: "h1", details: [] });
    expect(parseGraphError(undefined)).toEqual({ code: "", message: "", requestId: undefined, details: [] });
    expect(parseGraphError("x".repeat(1000)).message.length).toBeLessThan(310);
  });
});
