/**
 * apply --prune repairs the tool's own app: grants, directory roles and listed permissions the
 * profile no longer asks for are removed from it, and from nothing else. Without --prune they are
 * drift (status not in sync) and stay. Outcomes are read from the fake tenant's state.
 */
import { describe, expect, it } from "vitest";
import { apply, plan, status } from "../../src/core/pipeline.js";
import { GRAPH_APP_ID, ROLE_TEMPLATE } from "../../src/core/well-known.js";
import { DEFAULT_ADMIN_ID } from "../../src/fake/users.js";
import { PreflightError } from "../../src/shared/errors.js";
import { createHarness } from "../support/harness.js";
import { ACCESS_REVIEW, EXCHANGE_MANAGE, grantedValues, roleNames, stateOf, useFakeTenantSuite, type Harness } from "./helpers.js";

const { msw, dirs } = useFakeTenantSuite();

const DIRECTORY_READ = `${GRAPH_APP_ID}/Directory.Read.All`;

function graphRole(h: Harness, value: string): { spId: string; roleId: string } {
  const graph = h.tenant.servicePrincipalByAppId(GRAPH_APP_ID)!;
  return { spId: graph.id, roleId: graph.appRoles.find((r) => r.value === value)!.id };
}

/** Someone grants the app Directory.Read.All and Security Reader by hand, and lists Directory.Read.All on it. */
function addExtras(h: Harness, appId: string, spId: string): void {
  const extra = graphRole(h, "Directory.Read.All");
  h.tenant.addAppRoleAssignment({ principalId: spId, resourceId: extra.spId, appRoleId: extra.roleId });
  const securityReader = h.tenant.roleDefinitions().find((d) => d.displayName === "Security Reader")!;
  h.tenant.addRoleAssignment({ principalId: spId, roleDefinitionId: securityReader.templateId });
  const app = h.tenant.applicationByAppId(appId)!;
  const others = listed(app).filter((r) => r.resourceAppId !== GRAPH_APP_ID);
  const graphAccess = listed(app).find((r) => r.resourceAppId === GRAPH_APP_ID)?.resourceAccess ?? [];
  const requiredResourceAccess = [...others, { resourceAppId: GRAPH_APP_ID, resourceAccess: [...graphAccess, { id: extra.roleId, type: "Role" }] }];
  h.tenant.apps.put({ ...app, requiredResourceAccess }, h.clock.now());
}

interface Listed {
  resourceAppId: string;
  resourceAccess: { id: string; type: string }[];
}

/** The app's requiredResourceAccess (the fake keeps it as Graph sent it). */
const listed = (app: object): Listed[] => ((app as { requiredResourceAccess?: Listed[] }).requiredResourceAccess ?? []);

function listedGraphValues(h: Harness, appId: string): string[] {
  const graph = h.tenant.servicePrincipalByAppId(GRAPH_APP_ID)!;
  const app = h.tenant.applicationByAppId(appId)!;
  const entry = listed(app).find((r) => r.resourceAppId === GRAPH_APP_ID);
  return (entry?.resourceAccess ?? []).map((a) => graph.appRoles.find((r) => r.id === a.id)?.value ?? a.id).sort();
}

/** Another app in the tenant holding the very same extra grant and role: --prune must not touch it. */
function bystander(h: Harness): { appId: string; spId: string } {
  const app = h.tenant.addApplication({ displayName: "Someone else's app", owners: [DEFAULT_ADMIN_ID] });
  const sp = h.tenant.addServicePrincipal({ appId: app.appId });
  addExtras(h, app.appId, sp.id);
  return { appId: app.appId, spId: sp.id };
}

describe("extras on the tool's own app", () => {
  it("without --prune: drift that status reports and apply leaves in place", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    await apply(h.session(), { outDir: out });
    const s = stateOf(h);
    addExtras(h, s.appId, s.spId);

    const drift = await status(h.session(), { outDir: out });
    expect(drift.inSync).toBe(false);
    expect(drift.plan.actions).toEqual([]);
    const messages = drift.plan.findings.map((f) => f.message).join("\n");
    expect(messages).toMatch(/Directory\.Read\.All.*apply --prune removes it/);
    expect(messages).toMatch(/Security Reader.*apply --prune removes it/);

    const before = h.fake.requests.length;
    const result = await apply(h.session(), { outDir: out });
    expect(result.changed).toBe(false);
    expect(h.fake.stats(before).writes).toBe(0);
    expect(stateOf(h).grants).toEqual([ACCESS_REVIEW, DIRECTORY_READ, EXCHANGE_MANAGE].sort());
    expect(stateOf(h).roles).toEqual(["Global Reader", "Security Reader"]);
  });

  it("plan --prune shows the removals; apply --prune removes them from this app only", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    await apply(h.session(), { outDir: out });
    const s = stateOf(h);
    addExtras(h, s.appId, s.spId);
    const other = bystander(h);
    const otherGrants = grantedValues(h, other.spId).sort();

    expect(listedGraphValues(h, s.appId)).toEqual(["AccessReview.Read.All", "Directory.Read.All"]);
    expect(listedGraphValues(h, other.appId)).toEqual(["Directory.Read.All"]);

    const beforePlan = h.fake.requests.length;
    const planned = await plan(h.session(), { outDir: out, prune: true });
    expect(h.fake.stats(beforePlan).writes).toBe(0);
    expect(planned.preflight).toEqual([]);
    const kinds = planned.plan.actions.map((a) => a.kind).sort();
    expect(kinds).toEqual(["remove-directory-role", "revoke-app-role", "update-application"]);
    const update = planned.plan.actions.find((a) => a.kind === "update-application");
    expect(update?.kind === "update-application" ? update.removedPermissions?.map((p) => p.value) : []).toEqual(["Directory.Read.All"]);

    const result = await apply(h.session(), { outDir: out, prune: true });
    expect(result.changed).toBe(true);
    const after = stateOf(h);
    expect(after.grants).toEqual([ACCESS_REVIEW, EXCHANGE_MANAGE].sort());
    expect(after.roles).toEqual(["Global Reader"]);
    expect(h.tenant.roleAssignmentsFor(after.spId).map((r) => r.roleDefinitionId.toLowerCase())).toEqual([ROLE_TEMPLATE.globalReader]);
    expect(listedGraphValues(h, after.appId)).toEqual(["AccessReview.Read.All"]);
    // The other app keeps everything, although it holds the same grant, role and listed permission.
    expect(grantedValues(h, other.spId).sort()).toEqual(otherGrants);
    expect(roleNames(h, other.spId)).toEqual(["Security Reader"]);
    expect(listedGraphValues(h, other.appId)).toEqual(["Directory.Read.All"]);

    expect((await status(h.session(), { outDir: out })).inSync).toBe(true);
  });

  it("a profile narrowed from xops to m365: --prune takes back what entra-onboard granted and listed", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    await apply(h.session(), { outDir: out });

    await apply(h.session(), { outDir: out, profile: "m365", prune: true });
    const s = stateOf(h);
    expect(s.grants).toEqual([EXCHANGE_MANAGE]);
    expect(s.roles).toEqual(["Global Reader"]);
    expect(listedGraphValues(h, s.appId)).toEqual([]);
    expect((await status(h.session(), { outDir: out, profile: "m365" })).inSync).toBe(true);
  });

  it("on an adopted app, --prune removes only what entra-onboard added; the owner's own grants stay (reported)", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const handMade = h.tenant.addApplication({ displayName: "Xops-App", owners: [DEFAULT_ADMIN_ID] });
    const sp = h.tenant.addServicePrincipal({ appId: handMade.appId });
    const ownersGrant = graphRole(h, "Directory.Read.All");
    h.tenant.addAppRoleAssignment({ principalId: sp.id, resourceId: ownersGrant.spId, appRoleId: ownersGrant.roleId });
    await apply(h.session(), { outDir: out, adopt: true });
    expect(stateOf(h).grants).toEqual([ACCESS_REVIEW, DIRECTORY_READ, EXCHANGE_MANAGE].sort());

    // Narrowed to m365: AccessReview.Read.All was entra-onboard's grant, Directory.Read.All the owner's.
    const planned = await plan(h.session(), { outDir: out, profile: "m365", prune: true });
    const revoked = planned.plan.actions.flatMap((a) => (a.kind === "revoke-app-role" ? [a.value] : []));
    expect(revoked).toEqual(["AccessReview.Read.All"]);
    expect(planned.plan.findings.map((f) => f.message).join("\n")).toMatch(/Directory\.Read\.All.*--prune leaves it/);

    await apply(h.session(), { outDir: out, profile: "m365", prune: true });
    expect(stateOf(h).grants).toEqual([DIRECTORY_READ, EXCHANGE_MANAGE].sort());
    const after = await status(h.session(), { outDir: out, profile: "m365" });
    expect(after.plan.actions).toEqual([]);
    expect(after.plan.findings.map((f) => f.kind)).toEqual(["extra-permission"]);
  });

  it("preflight judges the removals: an admin without Privileged Role Administrator cannot revoke a Graph grant", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    await apply(h.session(), { outDir: out });
    const s = stateOf(h);
    addExtras(h, s.appId, s.spId);
    const weak = h.session({ wids: [ROLE_TEMPLATE.cloudApplicationAdministrator] });

    const planned = await plan(weak, { outDir: out, prune: true });
    expect(planned.preflight.join("\n")).toMatch(/Privileged Role Administrator.*(revoke admin consent|remove directory roles)/);
    const before = h.fake.requests.length;
    await expect(apply(weak, { outDir: out, prune: true })).rejects.toThrow(PreflightError);
    expect(h.fake.stats(before).writes).toBe(0);
    expect(stateOf(h).grants).toContain(DIRECTORY_READ);
  });
});
