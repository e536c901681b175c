/**
 * connection.json is read as untrusted input: the record that binds --out to one app in one tenant
 * must parse strictly (ids are GUIDs before they reach a request path), earlier versions' files
 * still count, and anything else is an input error, never a crash or a silent "no record".
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkRecordBinding, parseConnectionRecord, readConnectionRecord } from "../../src/core/record.js";
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

describe("reading connection.json", () => {
  it("an earlier version's file (format 1) counts, its certificate as entra-onboard's", () => {
    const record = parseConnectionRecord({ formatVersion: 1, uniqueName: "entra-onboard-xops-app", tenantId: TENANT, appId: APP, certificate: { thumbprint: THUMB.toLowerCase() } });
    expect(record).toMatchObject({ formatVersion: 2, tenantId: TENANT, appId: APP, managed: { certificates: [THUMB] } });
  });

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

  it("no file is no record", async () => {
    expect(await readConnectionRecord(await dir())).toBeUndefined();
  });
});

describe("the binding of --out", () => {
  const record = parseConnectionRecord({ formatVersion: 2, uniqueName: "x", tenantId: TENANT, appId: APP, managed: { certificates: [THUMB] } });
  const held = { thumbprint: THUMB } as Parameters<typeof checkRecordBinding>[1];

  it("refuses another tenant's --out and a key no record lists; accepts its own", () => {
    expect(() => checkRecordBinding(record, held, { outDir: "/o", tenantId: "cccccccc-0000-4000-8000-000000000003" })).toThrow(/use a separate --out per tenant/);
    expect(() => checkRecordBinding(undefined, held, { outDir: "/o", tenantId: TENANT })).toThrow(/entra-onboard uploads only keys it generated itself/);
    expect(() => checkRecordBinding(record, { thumbprint: "CD".repeat(20) } as typeof held, { outDir: "/o", tenantId: TENANT })).toThrow(InputError);
    expect(() => checkRecordBinding(record, held, { outDir: "/o", tenantId: TENANT.toUpperCase() })).not.toThrow();
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
    expect((await readConnectionRecord(d))?.managed).toEqual({ certificates: [THUMB], permissions: [], roles: [], listedPermissions: [], tags: [] });
  });
});
