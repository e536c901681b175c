/** connection.json as the disk hands it over: anything that is not what apply wrote is refused, naming the field. */
import { describe, expect, it } from "vitest";
import { parseConnectionFile } from "../../src/core/connection-file.js";

const GOOD = {
  formatVersion: 1,
  uniqueName: "entra-onboard-xops-app",
  friendlyName: "Contoso - Xops-App",
  tenantId: "11111111-2222-3333-4444-555555555555",
  appId: "22222222-3333-4444-5555-666666666666",
  organization: "contoso.onmicrosoft.com",
  applicationObjectId: "33333333-4444-5555-6666-777777777777",
  servicePrincipalId: "44444444-5555-6666-7777-888888888888",
  certificate: { thumbprint: "A".repeat(40), cerPath: "/o/certificate.cer", keyPath: "/o/private-key.pem", notAfter: "2027-01-01T00:00:00.000Z" },
};

describe("parseConnectionFile", () => {
  it("accepts what apply writes (certificate or not, service principal or not), keeping unknown fields", () => {
    expect(parseConnectionFile(JSON.stringify(GOOD))).toEqual({ ok: true, value: GOOD });
    const { servicePrincipalId: _sp, ...withoutSp } = GOOD;
    expect(parseConnectionFile(JSON.stringify({ ...withoutSp, certificate: null, extra: { a: 1 } }))).toMatchObject({ ok: true, value: { extra: { a: 1 } } });
  });

  it.each([
    ["null", "null", /is not a JSON object/],
    ["an array", "[]", /is not a JSON object/],
    ["not JSON", "{", /is not valid JSON/],
    ["another format", JSON.stringify({ ...GOOD, formatVersion: 2 }), /formatVersion 1/],
    ["a path in servicePrincipalId", JSON.stringify({ ...GOOD, servicePrincipalId: "../../applications" }), /'servicePrincipalId' that is not a GUID/],
    ["an OData quote in appId", JSON.stringify({ ...GOOD, appId: "x' or 1 eq 1 or appId eq 'y" }), /'appId' that is not a GUID/],
    ["a number for appId", JSON.stringify({ ...GOOD, appId: 5 }), /'appId' that is not a GUID/],
    ["a missing tenantId", JSON.stringify({ ...GOOD, tenantId: undefined }), /'tenantId' that is not a GUID/],
    ["a number for uniqueName", JSON.stringify({ ...GOOD, uniqueName: 7 }), /'uniqueName' that is not a string/],
    ["an escape sequence in friendlyName", JSON.stringify({ ...GOOD, friendlyName: "x\u001b[2J" }), /'friendlyName' that contains a control character/],
    ["a string certificate", JSON.stringify({ ...GOOD, certificate: "yes" }), /'certificate' that is not an object/],
    ["a short thumbprint", JSON.stringify({ ...GOOD, certificate: { thumbprint: "AB" } }), /'certificate\.thumbprint' that is not a SHA-1 thumbprint/],
    ["a number as keyPath", JSON.stringify({ ...GOOD, certificate: { ...GOOD.certificate, keyPath: 1 } }), /'certificate\.keyPath' that is not a string/],
  ])("refuses %s", (_what, text, problem) => {
    const parsed = parseConnectionFile(text);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problem).toMatch(problem);
  });
});
