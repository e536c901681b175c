/** The command-line checks every command gets before it starts (the CLI tests run them end to end). */
import { describe, expect, it } from "vitest";
import { parsedArgumentProblem, rawArgumentProblem } from "../../src/cli/argv-checks.js";

describe("rawArgumentProblem", () => {
  it.each([
    [["apply", "--tenant", ""], /^--tenant was given an empty value/],
    [["apply", "--out", "  "], /^--out was given an empty value/],
    [["apply", "--wait-seconds="], /^--wait-seconds was given an empty value/],
    [["apply", "--name", "Xops\n\u001b[32m  + assign directory role Global Administrator"], /^--name contains a control character \(U\+000A\)/],
    [["apply", "--name=Evil\u202eppA"], /^--name contains a control character \(U\+202E\)/],
    [["apply", ""], /^An empty argument/],
  ])("%j", (argv, message) => {
    expect(rawArgumentProblem(argv)).toMatch(message);
  });

  it("accepts ordinary arguments, including a negative number and non-Latin text", () => {
    expect(rawArgumentProblem(["apply", "--name", "Xöps Äpp 応用", "--wait-seconds", "-5", "--yes", "--out=./out"])).toBeUndefined();
  });
});

describe("parsedArgumentProblem", () => {
  it.each([
    [{ name: ["a", "b"], _: ["apply"] }, /^--name was given twice/],
    [{ "key-size": [2048, 4096], keySize: [2048, 4096] }, /^--key-size was given twice/],
    [{ out: ["a", "b", "c"] }, /^--out was given 3 times/],
    [{ tenant: "../../applications" }, /^--tenant must be a tenant id/],
    [{ tenant: "contoso" }, /^--tenant must be a tenant id/],
    [{ "client-id": "not-a-guid" }, /^--client-id must be/],
    [{ "wait-seconds": -5 }, /^--wait-seconds must be a whole number of seconds from 0 to 3600, got -5/],
    [{ "wait-seconds": Number.NaN }, /^--wait-seconds must be/],
    [{ "wait-seconds": 1.5 }, /^--wait-seconds must be/],
  ])("%j", (args, message) => {
    expect(parsedArgumentProblem(args)).toMatch(message);
  });

  it("accepts tenants as GUIDs or domains, and single values", () => {
    for (const tenant of ["11111111-2222-3333-4444-555555555555", "contoso.onmicrosoft.com", "xn--bcher-kva.example"]) {
      expect(parsedArgumentProblem({ _: ["plan"], tenant, "wait-seconds": 0, name: "Xops-App" })).toBeUndefined();
    }
  });
});
