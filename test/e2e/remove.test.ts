import { describe, expect, it } from "vitest";
import { apply, plan, remove } from "../../src/core/pipeline.js";
import { X509Certificate, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { GRAPH_APP_ID, ROLE_TEMPLATE } from "../../src/core/well-known.js";
import { DEFAULT_ADMIN_ID } from "../../src/fake/users.js";
import { AbortedError, ForeignAppError, PreflightError } from "../../src/shared/errors.js";
import { createHarness } from "../support/harness.js";
import { ACCESS_REVIEW, fixture, FOREIGN_THUMBPRINT, grantedValues, roleNames, type Harness, useFakeTenantSuite } from "./helpers.js";

const { msw, dirs } = useFakeTenantSuite();

describe("remove", () => {
  it("deletes the owned app and its service principal (with its grants and role)", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const applied = await apply(h.session(), { outDir: out });
    const { appId, servicePrincipalId } = applied.connection;

    const result = await remove(h.session(), { outDir: out });
    expect(result.removed?.appId).toBe(appId);
    expect(result.results.map((r) => [r.action.kind, r.outcome])).toEqual([["delete-application", "deleted"]]);
    expect(h.tenant.applications()).toHaveLength(0);
    expect(h.tenant.servicePrincipalByAppId(appId)).toBeUndefined();
    expect(h.tenant.appRoleAssignmentsFor(servicePrincipalId!)).toEqual([]);
    expect(h.tenant.roleAssignmentsFor(servicePrincipalId!)).toEqual([]);
    expect((await plan(h.session(), { outDir: out })).plan.app.state).toBe("absent");
  });

  it("refuses a foreign app of the same name and leaves it", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const handMade = h.tenant.addApplication({ displayName: "Xops-App" });
    await expect(remove(h.session(), { outDir: out })).rejects.toThrow(ForeignAppError);
    expect(h.tenant.applicationByAppId(handMade.appId)).toBeDefined();
    expect(h.fake.stats().writes).toBe(0);
  });

  it("nothing to remove: removed is undefined and nothing is written", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const result = await remove(h.session(), { outDir: out });
    expect(result.removed).toBeUndefined();
    expect(h.fake.stats().writes).toBe(0);
  });

  it("after remove, apply starts over with a new app", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const first = await apply(h.session(), { outDir: out });
    await remove(h.session(), { outDir: out });
    const second = await apply(h.session(), { outDir: out });
    expect(second.connection.appId).not.toBe(first.connection.appId);
    expect(h.tenant.applications()).toHaveLength(1);
  });

  it("--dry-run (and plan in destroy mode) shows the delete with everything that goes with it, and deletes nothing", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const applied = await apply(h.session(), { outDir: out });
    const before = h.fake.requests.length;

    const dry = await remove(h.session(), { outDir: out, dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(dry.removed).toBeUndefined();
    expect(dry.preflight).toEqual([]);
    const [action] = dry.plan.actions;
    expect(action?.kind).toBe("delete-application");
    if (action?.kind !== "delete-application") throw new Error("unreachable");
    expect(action.appId).toBe(applied.connection.appId);
    expect(action.cascade.servicePrincipalId).toBe(applied.connection.servicePrincipalId);
    expect(action.cascade.permissions.map((p) => `${p.resourceName} / ${p.value}`).sort()).toEqual(["Microsoft Graph / AccessReview.Read.All", "Office 365 Exchange Online / Exchange.ManageAsApp"]);
    expect(action.cascade.roles.map((r) => r.roleName)).toEqual(["Global Reader"]);
    expect(action.cascade.certificates).toEqual([applied.connection.certificate?.thumbprint]);

    const preview = await plan(h.session(), { outDir: out, mode: "destroy" });
    expect(preview.plan.mode).toBe("destroy");
    expect(preview.plan.actions).toEqual(dry.plan.actions);

    expect(h.fake.stats(before).writes).toBe(0);
    expect(h.tenant.applications()).toHaveLength(1);
  });

  it("preflight judges the delete: an admin without an app admin role is refused before any write", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    await apply(h.session(), { outDir: out });
    const before = h.fake.requests.length;
    const limited = h.session({ wids: [ROLE_TEMPLATE.privilegedRoleAdministrator] });

    const dry = await remove(limited, { outDir: out, dryRun: true });
    expect(dry.preflight.join()).toMatch(/Cloud Application Administrator.*delete app registrations/);
    const error = await remove(limited, { outDir: out }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightError);
    expect(h.fake.stats(before).writes).toBe(0);
    expect(h.tenant.applications()).toHaveLength(1);
  });

  it("asks with the destroy plan, and a 'no' deletes nothing", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const applied = await apply(h.session(), { outDir: out });
    const before = h.fake.requests.length;
    const asked: string[] = [];
    const error = await remove(h.session(), {
      outDir: out,
      confirm: async ({ appId, plan: shown }) => {
        asked.push(appId, ...shown.actions.map((a) => a.kind));
        return false;
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(asked).toEqual([applied.connection.appId, "delete-application"]);
    expect(h.fake.stats(before).writes).toBe(0);
    expect(h.tenant.applications()).toHaveLength(1);
  });

  it("deletes the app it created, and with it connection.json and the key files it made", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    await apply(h.session(), { outDir: out });
    await remove(h.session(), { outDir: out });
    expect(h.tenant.applications()).toEqual([]);
    expect(await readdir(out)).toEqual([]);
  });
});

/**
 * A hand-made app (its owner is the admin) that already holds a Graph consent and a certificate of
 * its own, and lists that permission, before entra-onboard adopts it.
 */
async function handMadeApp(h: Harness) {
  const der = new X509Certificate(await readFile(fixture("foreign.pem"))).raw;
  const graphSp = h.tenant.servicePrincipalByAppId(GRAPH_APP_ID)!;
  const accessReview = graphSp.appRoles.find((r) => r.value === "AccessReview.Read.All" && r.allowedMemberTypes.includes("Application"))!;
  const app = h.tenant.addApplication({
    displayName: "Xops-App",
    tags: ["made-by-hand"],
    owners: [DEFAULT_ADMIN_ID],
    requiredResourceAccess: [{ resourceAppId: GRAPH_APP_ID, resourceAccess: [{ id: accessReview.id, type: "Role" }] }],
    keyCredentials: [
      { customKeyIdentifier: FOREIGN_THUMBPRINT, displayName: "by hand", startDateTime: "2025-01-01T00:00:00Z", endDateTime: "2026-12-31T00:00:00Z", key: der.toString("base64"), keyId: randomUUID(), type: "AsymmetricX509Cert", usage: "Verify" },
    ],
  });
  const sp = h.tenant.addServicePrincipal({ appId: app.appId });
  h.tenant.addAppRoleAssignment({ principalId: sp.id, resourceId: graphSp.id, appRoleId: accessReview.id });
  return { app, sp, accessReview };
}

describe("remove after --adopt", () => {
  it("takes back only what entra-onboard added: the app, its own consent, certificate and listing stay", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const { app, sp, accessReview } = await handMadeApp(h);
    // It has a certificate of its own: entra-onboard adds one beside it only when asked.
    const adopted = await apply(h.session(), { outDir: out, adopt: true, addCertificate: true });
    const ours = adopted.connection.certificate?.thumbprint;
    expect(h.tenant.keyCredentials(app.appId).map((k) => k.customKeyIdentifier).sort()).toEqual([FOREIGN_THUMBPRINT, ours].sort());
    expect(grantedValues(h, sp.id)).toHaveLength(2);
    expect(roleNames(h, sp.id)).toEqual(["Global Reader"]);

    const dry = await remove(h.session(), { outDir: out, dryRun: true });
    expect(dry.plan.actions.map((a) => a.kind)).toEqual(["remove-certificates", "revoke-app-role", "remove-directory-role", "untag-application"]);
    expect(dry.plan.actions.find((a) => a.kind === "revoke-app-role")).toMatchObject({ resourceName: "Office 365 Exchange Online", value: "Exchange.ManageAsApp" });
    expect(dry.plan.unchanged).toEqual(expect.arrayContaining([`certificate ${FOREIGN_THUMBPRINT}`, "admin consent: Microsoft Graph / AccessReview.Read.All"]));

    const result = await remove(h.session(), { outDir: out });
    expect(result.removed).toBeUndefined();
    expect(result.released).toEqual({ appId: app.appId, objectId: app.id });
    const after = h.tenant.applicationByAppId(app.appId);
    expect(after?.displayName).toBe("Xops-App");
    expect(after?.tags).toEqual(["made-by-hand"]);
    expect(after?.requiredResourceAccess).toEqual([{ resourceAppId: GRAPH_APP_ID, resourceAccess: [{ id: accessReview.id, type: "Role" }] }]);
    expect(h.tenant.keyCredentials(app.appId).map((k) => k.customKeyIdentifier)).toEqual([FOREIGN_THUMBPRINT]);
    expect(h.tenant.servicePrincipalByAppId(app.appId)?.id).toBe(sp.id);
    expect(grantedValues(h, sp.id)).toEqual([ACCESS_REVIEW]);
    expect(roleNames(h, sp.id)).toEqual([]);
    expect(await readdir(out)).toEqual([]);
  });

  it("a role or consent the app held before adoption stays, even the ones the profile asks for", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const { app, sp } = await handMadeApp(h);
    h.tenant.addRoleAssignment({ principalId: sp.id, roleDefinitionId: ROLE_TEMPLATE.globalReader });
    await apply(h.session(), { outDir: out, adopt: true });
    expect(grantedValues(h, sp.id)).toHaveLength(2);
    await remove(h.session(), { outDir: out });
    expect(h.tenant.applicationByAppId(app.appId)).toBeDefined();
    expect(roleNames(h, sp.id)).toEqual(["Global Reader"]);
    expect(grantedValues(h, sp.id)).toEqual([ACCESS_REVIEW]);
  });

  it("without the adopting --out's record, only the tag goes, and the plan says what stays", async () => {
    const h = createHarness(msw.server);
    const { app, sp } = await handMadeApp(h);
    await apply(h.session(), { outDir: await dirs.make(), adopt: true });
    const result = await remove(h.session(), { outDir: await dirs.make() });
    expect(result.plan.actions.map((a) => a.kind)).toEqual(["untag-application"]);
    expect(result.plan.warnings.join()).toMatch(/does not record what entra-onboard added/);
    expect(h.tenant.applicationByAppId(app.appId)?.tags).toEqual(["made-by-hand"]);
    expect(grantedValues(h, sp.id)).toHaveLength(2);
  });
});
