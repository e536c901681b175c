import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { apply, checkLocalInputs, plan, status } from "../../src/core/pipeline.js";
import { GRAPH_APP_ID } from "../../src/core/well-known.js";
import { createHarness } from "../support/harness.js";
import { ACCESS_REVIEW, BYO_THUMBPRINT, EXCHANGE_MANAGE, fixture, stateOf, useFakeTenantSuite } from "./helpers.js";

const { msw, dirs } = useFakeTenantSuite();

const DIRECTORY_READ = `${GRAPH_APP_ID}/Directory.Read.All`;

describe("built-in profiles", () => {
  it.each([
    ["xops", [ACCESS_REVIEW, EXCHANGE_MANAGE]],
    ["m365", [EXCHANGE_MANAGE]],
    ["entra-id", [ACCESS_REVIEW]],
  ])("%s grants exactly its permissions plus Global Reader, then is in sync", async (profile, grants) => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    await apply(h.session(), { outDir: out, profile });

    const s = stateOf(h);
    expect(s.appCount).toBe(1);
    expect(s.spCount).toBe(1);
    expect(s.grants).toEqual([...grants].sort());
    expect(s.roles).toEqual(["Global Reader"]);
    const app = h.tenant.applicationByAppId(s.appId)!;
    const listed = (app["requiredResourceAccess"] as { resourceAccess: unknown[] }[]).flatMap((r) => r.resourceAccess);
    expect(listed).toHaveLength(grants.length);
    expect((await status(h.session(), { outDir: out, profile })).inSync).toBe(true);
  });
});

describe("profile files", () => {
  const yamlProfile = "name: custom\npermissions:\n  - Microsoft Graph / Directory.Read.All\nroles:\n  - Security Reader\n";
  const jsonProfile = JSON.stringify({ name: "custom", permissions: ["Microsoft Graph / Directory.Read.All"], roles: ["Security Reader"] });

  it.each([
    ["profile.yaml", yamlProfile],
    ["profile.json", jsonProfile],
  ])("%s: permissions and roles resolved by name are granted", async (file, text) => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const path = join(await dirs.make("eo-profile-"), file);
    await writeFile(path, text);

    await apply(h.session(), { outDir: out, profile: path });
    const s = stateOf(h);
    expect(s.grants).toEqual([DIRECTORY_READ]);
    expect(s.roles).toEqual(["Security Reader"]);
    const after = await plan(h.session(), { outDir: out, profile: path });
    expect(after.inSync).toBe(true);
  });
});

describe("local inputs are read once", () => {
  it("a desired state checked before sign-in is used as is: the profile and certificate files are not read again", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const inputs = await dirs.make("eo-inputs-");
    const profile = join(inputs, "profile.yaml");
    const certificate = join(inputs, "byo.cer");
    await writeFile(profile, "permissions:\n  - Microsoft Graph / Directory.Read.All\nroles:\n  - Global Reader\n");
    await writeFile(certificate, await readFile(fixture("byo.cer")));

    const desired = await checkLocalInputs({ profile, certificate, outDir: out }, new Date(h.clock.now()));
    // Gone before the run: a second read would fail with "Cannot read profile file".
    await rm(inputs, { recursive: true });
    const planned = await plan(h.session(), { desired, outDir: out });
    expect(planned.plan.actions.filter((a) => a.kind === "grant-app-role").map((a) => a.kind === "grant-app-role" && a.value)).toEqual(["Directory.Read.All"]);
    await apply(h.session(), { desired, outDir: out });
    const s = stateOf(h);
    expect(s.grants).toEqual([DIRECTORY_READ]);
    expect(s.thumbprints).toEqual([BYO_THUMBPRINT]);
  });
});

describe("extras not in the profile", () => {
  it("are findings (status not in sync) and apply leaves them in place", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    // Converge on xops, then narrow the profile to m365: AccessReview.Read.All becomes an extra.
    await apply(h.session(), { outDir: out });
    const s = stateOf(h);
    const securityReader = h.tenant.roleDefinitions().find((d) => d.displayName === "Security Reader")!;
    h.tenant.addRoleAssignment({ principalId: s.spId, roleDefinitionId: securityReader.templateId });

    const drift = await status(h.session(), { outDir: out, profile: "m365" });
    expect(drift.plan.actions).toEqual([]);
    expect(drift.inSync).toBe(false);
    const kinds = drift.plan.findings.map((f) => f.kind).sort();
    expect(kinds).toEqual(["extra-permission", "extra-role"]);
    expect(drift.plan.findings.map((f) => f.message).join("\n")).toMatch(/AccessReview\.Read\.All/);
    expect(drift.plan.findings.map((f) => f.message).join("\n")).toMatch(/Security Reader/);

    const before = h.fake.requests.length;
    const result = await apply(h.session(), { outDir: out, profile: "m365" });
    expect(result.changed).toBe(false);
    expect(h.fake.stats(before).writes).toBe(0);
    const after = stateOf(h);
    expect(after.grants).toEqual(s.grants);
    expect(after.roles).toEqual(["Global Reader", "Security Reader"]);
  });
});
