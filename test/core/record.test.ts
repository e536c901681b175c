/**
 * connection.json is read as untrusted input: the record that binds --out to one app in one tenant
 * must parse strictly (ids are GUIDs before they reach a request path, text has no control
 * characters), earlier versions' files still count, and anything else is an input error naming the
 * field, never a crash or a silent "no record".
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkRecordBinding, parseConnectionRecord, readConnectionRecord, type ConnectionRecord } from "../../src/core/record.js";
import { RunRecord } from "../../src/core/run-record.js";
import { InputError } from "../../src/shared/errors.js";

const TENANT = "aaaaaaaa-0000-4000-8000-000000000001";
const APP = "bbbbbbbb-0000-4000-8000-000000000002";
const THUMB = "AB".repeat(20);

const made: string[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function dir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "eo-record-"));
  made.push(d);
  return d;
}

/** The record in `value`, which must parse. */
function parsed(value: unknown): ConnectionRecord {
  const result = parseConnectionRecord(JSON.stringify(value));
  if (!result.ok) throw new InputError(`expected a record: ${result.problem}`);
  return result.record;
}

/** A format-1 file as earlier versions' apply wrote it. */
const FORMAT_1 = {
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

/** A format-2 file as a finished apply writes it. */
const FORMAT_2 = {
  ...FORMAT_1,
  formatVersion: 2,
  uniqueName: "entra-onboard-xops-app-1a2b3c4d",
  displayName: "Xops-App",
  managed: {
    certificates: ["A".repeat(40)],
    certificateDetails: [{ thumbprint: "A".repeat(40), source: "generated", notBefore: "2026-01-01T00:00:00.000Z", notAfter: "2027-01-01T00:00:00.000Z" }],
    permissions: [{ resourceAppId: "00000003-0000-0000-c000-000000000000", appRoleId: "d07a8cc0-3d51-4b77-b3b0-32704d1f69fa" }],
    roles: ["f2ef992c-3afb-46b9-b7cf-a126ee74c451"],
    listedPermissions: [{ resourceAppId: "00000003-0000-0000-c000-000000000000", appRoleId: "d07a8cc0-3d51-4b77-b3b0-32704d1f69fa" }],
    tags: ["entra-onboard:entra-onboard-xops-app-1a2b3c4d"],
  },
};

describe("parsing connection.json", () => {
  it("an earlier version's file (format 1) counts, its certificate as entra-onboard's", () => {
    const record = parsed({ formatVersion: 1, uniqueName: "entra-onboard-xops-app", tenantId: TENANT, appId: APP, applicationObjectId: APP, certificate: { thumbprint: THUMB.toLowerCase() } });
    expect(record).toMatchObject({ formatVersion: 2, tenantId: TENANT, appId: APP, managed: { certificates: [THUMB] } });
  });

  it("accepts what apply writes (certificate or not, service principal or not); unknown fields are ignored, not carried", () => {
    expect(parsed(FORMAT_2)).toEqual({ ...FORMAT_2, certificate: { ...FORMAT_2.certificate, pemPath: undefined } });
    // A format-2 file from before certificateDetails: the thumbprints alone still count.
    const { certificateDetails: _details, ...withoutDetails } = FORMAT_2.managed;
    expect(parsed({ ...FORMAT_2, managed: withoutDetails })?.managed).toEqual({ ...withoutDetails, certificateDetails: [] });
    expect(parsed(FORMAT_1)).toMatchObject({ ...FORMAT_1, formatVersion: 2, managed: { certificates: ["A".repeat(40)], permissions: [] } });
    const { servicePrincipalId: _sp, ...withoutSp } = FORMAT_2;
    const record = parsed({ ...withoutSp, certificate: null, extra: { a: 1 } });
    expect(record).toMatchObject({ servicePrincipalId: undefined, certificate: null });
    expect(record).not.toHaveProperty("extra");
  });

  it("a record written mid-apply (before the app exists) counts; a format-1 file never lacked the app", () => {
    expect(parsed({ formatVersion: 2, tenantId: TENANT, uniqueName: "u", displayName: "X", managed: { certificates: [THUMB] } })).toMatchObject({ appId: undefined, managed: { certificates: [THUMB] } });
    const { appId: _appId, ...format1WithoutApp } = FORMAT_1;
    expect(parseConnectionRecord(JSON.stringify(format1WithoutApp))).toEqual({ ok: false, problem: "has a 'appId' that is not a GUID" });
  });

  it.each([
    ["null", "null", /is not a JSON object/],
    ["an array", "[]", /is not a JSON object/],
    ["not JSON", "{", /is not valid JSON/],
    ["an unknown format", JSON.stringify({ ...FORMAT_2, formatVersion: 7 }), /'formatVersion' that is not 1 or 2/],
    ["a path in servicePrincipalId", JSON.stringify({ ...FORMAT_2, servicePrincipalId: "../../applications" }), /'servicePrincipalId' that is not a GUID/],
    ["an OData quote in appId", JSON.stringify({ ...FORMAT_2, appId: "x' or 1 eq 1 or appId eq 'y" }), /'appId' that is not a GUID/],
    ["a number for appId", JSON.stringify({ ...FORMAT_2, appId: 5 }), /'appId' that is not a GUID/],
    ["a path in applicationObjectId", JSON.stringify({ ...FORMAT_2, applicationObjectId: "../x" }), /'applicationObjectId' that is not a GUID/],
    ["a missing tenantId", JSON.stringify({ ...FORMAT_2, tenantId: undefined }), /'tenantId' that is not a GUID/],
    ["a number for uniqueName", JSON.stringify({ ...FORMAT_2, uniqueName: 7 }), /'uniqueName' that is not a string/],
    ["an escape sequence in friendlyName", JSON.stringify({ ...FORMAT_2, friendlyName: "x\u001b[2J" }), /'friendlyName' that contains a control character/],
    ["a newline in displayName", JSON.stringify({ ...FORMAT_2, displayName: "X\n  + grant" }), /'displayName' that contains a control character \(U\+000A\)/],
    ["a string certificate", JSON.stringify({ ...FORMAT_2, certificate: "yes" }), /'certificate' that is not an object/],
    ["a short thumbprint", JSON.stringify({ ...FORMAT_2, certificate: { thumbprint: "AB" } }), /'certificate\.thumbprint' that is not a SHA-1 thumbprint/],
    ["a number as keyPath", JSON.stringify({ ...FORMAT_2, certificate: { ...FORMAT_2.certificate, keyPath: 1 } }), /'certificate\.keyPath' that is not a string/],
    ["a list as managed", JSON.stringify({ ...FORMAT_2, managed: [] }), /'managed' that is not an object/],
    ["a string as a managed list", JSON.stringify({ ...FORMAT_2, managed: { roles: "all" } }), /'managed\.roles' that is not a list/],
    ["an unknown cloud", JSON.stringify({ ...FORMAT_2, cloud: "mars" }), /'cloud' that is not one of global, usgov, usgovdod, china/],
    ["a number for cloud", JSON.stringify({ ...FORMAT_2, cloud: 1 }), /'cloud' that is not one of/],
    ["a path as a managed role", JSON.stringify({ ...FORMAT_2, managed: { roles: ["../../directoryRoles"] } }), /'managed\.roles\[0\]' that is not a GUID/],
    ["a managed permission without ids", JSON.stringify({ ...FORMAT_2, managed: { permissions: [{ resourceAppId: APP }] } }), /'managed\.permissions\[0\]\.appRoleId' that is not a GUID/],
    ["a managed thumbprint that is not one", JSON.stringify({ ...FORMAT_2, managed: { certificates: [THUMB, "not-hex"] } }), /'managed\.certificates\[1\]' that is not a SHA-1 thumbprint/],
    ["a control character in a managed tag", JSON.stringify({ ...FORMAT_2, managed: { tags: ["a\u0007"] } }), /'managed\.tags\[0\]' that contains a control character/],
  ])("refuses %s, naming the field", (_what, text, problem) => {
    const result = parseConnectionRecord(text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toMatch(problem);
  });
});

describe("reading connection.json", () => {

  it.each([
    ["null", null],
    ["a list", []],
    ["an unknown format", { formatVersion: 7, uniqueName: "x", tenantId: TENANT }],
    ["no tenant", { formatVersion: 2, uniqueName: "x", managed: {} }],
    ["a path where an id belongs", { formatVersion: 2, uniqueName: "x", tenantId: TENANT, servicePrincipalId: "../../applications" }],
    ["a thumbprint that is not one", { formatVersion: 2, uniqueName: "x", tenantId: TENANT, managed: { certificates: ["not-hex"] } }],
    ["a role that is not an id", { formatVersion: 2, uniqueName: "x", tenantId: TENANT, managed: { roles: [42] } }],
  ])("%s is an input error naming the file", async (_label, content) => {
    const d = await dir();
    await writeFile(join(d, "connection.json"), JSON.stringify(content));
    const error = await readConnectionRecord(d).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(join(d, "connection.json"));
  });

  it("reads at most 64 KiB", async () => {
    const d = await dir();
    await writeFile(join(d, "connection.json"), "");
    await truncate(join(d, "connection.json"), 1024 * 1024);
    await expect(readConnectionRecord(d)).rejects.toThrow(/connection\.json: larger than 64 KiB/);
  });

  it.skipIf(process.platform === "win32")("reads only a regular file: a named pipe is refused, not waited on (skipped without mkfifo)", async (ctx) => {
    const d = await dir();
    try {
      execFileSync("mkfifo", [join(d, "connection.json")]);
    } catch {
      ctx.skip();
    }
    await expect(readConnectionRecord(d)).rejects.toThrow(/connection\.json: not a regular file/);
  });

  it("no file is no record", async () => {
    expect(await readConnectionRecord(await dir())).toBeUndefined();
  });
});

describe("the binding of --out", () => {
  const record = parsed({ formatVersion: 2, uniqueName: "x", tenantId: TENANT, appId: APP, managed: { certificates: [THUMB] } });
  const held = { thumbprint: THUMB } as Parameters<typeof checkRecordBinding>[1];

  it("refuses another tenant's --out and a key no record lists; accepts its own", () => {
    const where = { outDir: "/o", cloud: "global" as const };
    expect(() => checkRecordBinding(record, held, { ...where, tenantId: "cccccccc-0000-4000-8000-000000000003" })).toThrow(/use a separate --out per tenant/);
    expect(() => checkRecordBinding(undefined, held, { ...where, tenantId: TENANT })).toThrow(/entra-onboard uploads only keys it generated itself/);
    expect(() => checkRecordBinding(record, { thumbprint: "CD".repeat(20) } as typeof held, { ...where, tenantId: TENANT })).toThrow(InputError);
    expect(() => checkRecordBinding(record, held, { ...where, tenantId: TENANT.toUpperCase() })).not.toThrow();
  });

  it("refuses a run in another cloud than the recorded one; a record without a cloud binds none", () => {
    const usgov = parsed({ formatVersion: 2, uniqueName: "x", tenantId: TENANT, cloud: "usgov", appId: APP, managed: { certificates: [THUMB] } });
    expect(usgov.cloud).toBe("usgov");
    expect(() => checkRecordBinding(usgov, held, { outDir: "/o", tenantId: TENANT, cloud: "global" })).toThrow(/--out \/o holds a connection in the usgov cloud.*but this run is in the global cloud: run it with --cloud usgov/);
    expect(() => checkRecordBinding(usgov, held, { outDir: "/o", tenantId: TENANT, cloud: "usgov" })).not.toThrow();
    expect(record.cloud).toBeUndefined();
    expect(() => checkRecordBinding(record, held, { outDir: "/o", tenantId: TENANT, cloud: "china" })).not.toThrow();
  });
});

describe("the record kept as apply goes", () => {
  it("writes each intent before it is acted on, and keeps the keys when the app it named is gone", async () => {
    const d = await dir();
    const run = new RunRecord(d, TENANT, { uniqueName: "u", displayName: "X" }, undefined);
    await run.noteIntents({ certificates: [THUMB.toLowerCase()] });
    expect(await readConnectionRecord(d)).toMatchObject({ tenantId: TENANT, uniqueName: "u", managed: { certificates: [THUMB] } });
    await run.noteApp({ id: "dddddddd-0000-4000-8000-000000000004", appId: APP });
    await run.noteIntents({ permissions: [{ resourceAppId: APP, appRoleId: "eeeeeeee-0000-4000-8000-000000000005" }], roles: ["f2ef992c-3afb-46b9-b7cf-a126ee74c451"] });
    // Concurrent notes land one after the other, none lost.
    await Promise.all([run.noteIntents({ tags: ["a"] }), run.noteIntents({ tags: ["b"] })]);
    const saved = await readConnectionRecord(d);
    expect(saved?.appId).toBe(APP);
    expect(saved?.managed.tags.sort()).toEqual(["a", "b"]);
    // A successor app (the recorded one was deleted outside the tool) keeps only the keys.
    await run.noteApp({ id: "dddddddd-0000-4000-8000-000000000006", appId: "bbbbbbbb-0000-4000-8000-000000000007" });
    expect((await readConnectionRecord(d))?.managed).toEqual({ certificates: [THUMB], certificateDetails: [], permissions: [], roles: [], listedPermissions: [], tags: [] });
    // No cloud given: the worldwide one is recorded.
    expect((await readConnectionRecord(d))?.cloud).toBe("global");
  });

  it("records the run's cloud from the first write, and adds it to a record written before the field existed", async () => {
    const d = await dir();
    await new RunRecord(d, TENANT, { uniqueName: "u", displayName: "X" }, undefined, "china").noteIntents({ tags: ["a"] });
    expect(JSON.parse(await readFile(join(d, "connection.json"), "utf8"))).toMatchObject({ cloud: "china" });
    const old = parsed({ formatVersion: 2, uniqueName: "u", tenantId: TENANT, managed: {} });
    await new RunRecord(d, TENANT, { uniqueName: "u", displayName: "X" }, old, "usgov").noteIntents({ tags: ["b"] });
    expect((await readConnectionRecord(d))?.cloud).toBe("usgov");
  });
});
