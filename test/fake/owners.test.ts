import { beforeAll, describe, expect, it } from "vitest";
import { RoleTemplateIds } from "../../src/fake/seed.js";
import { DEFAULT_ADMIN_ID, DEFAULT_MEMBER_ID } from "../../src/fake/users.js";
import { ADMIN_SCOPES, bodyOf, DAY, errorOf, makeCertificate, MEMBER_SCOPES, setup, tokenFor, type TestCertificate } from "./helpers.js";

const START = Date.parse("2026-01-15T00:00:00Z");
const PREFER = { prefer: "create-if-missing" };
let cert: TestCertificate;

beforeAll(async () => {
  cert = await makeCertificate(new Date(START), new Date(START + 300 * DAY), "CN=owned");
});

function certificateBody(): Record<string, unknown> {
  return { keyCredentials: [{ type: "AsymmetricX509Cert", usage: "Verify", key: cert.der.toString("base64"), startDateTime: cert.notBefore.toISOString(), endDateTime: cert.notAfter.toISOString() }] };
}

function people(...args: Parameters<typeof setup>) {
  const ctx = setup(...args);
  const member = tokenFor(ctx.tenantId, { scp: MEMBER_SCOPES, oid: DEFAULT_MEMBER_ID });
  const admin = tokenFor(ctx.tenantId, { scp: ADMIN_SCOPES, wids: [RoleTemplateIds.PrivilegedRoleAdministrator, RoleTemplateIds.CloudApplicationAdministrator], oid: DEFAULT_ADMIN_ID });
  const as = (token: string) => (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => ctx.call(method, url, body, { token, headers });
  return { ...ctx, asMember: as(member), asAdmin: as(admin), as };
}

type Owner = { "@odata.type": string; id: string; displayName: string | null; userPrincipalName?: string | null; appId?: string };

describe("owners, as Entra assigns them", () => {
  it("a plain member's upsert registers an app they own, and the owners endpoint names them", async () => {
    const { asMember, tenant } = people();
    const created = await asMember("PATCH", "/applications(uniqueName='xops-app')", { displayName: "Xops-App" }, PREFER);
    expect(created.status).toBe(201);
    const app = tenant.applicationByUniqueName("xops-app");
    expect(tenant.ownerIds(app?.id ?? "")).toEqual([DEFAULT_MEMBER_ID]);
    for (const url of [`/applications/${app?.id}/owners`, `/applications(appId='${app?.appId}')/owners`]) {
      const owners = bodyOf<{ value: Owner[] }>(await asMember("GET", url)).value;
      expect(owners, url).toEqual([expect.objectContaining({ "@odata.type": "#microsoft.graph.user", id: DEFAULT_MEMBER_ID, displayName: "Plain Member", userPrincipalName: `member@${tenant.initialDomain}` })]);
    }
    const selected = bodyOf<{ value: Owner[] }>(await asMember("GET", `/applications/${app?.id}/owners?$select=id,displayName`)).value;
    expect(selected).toEqual([{ "@odata.type": "#microsoft.graph.user", id: DEFAULT_MEMBER_ID, displayName: "Plain Member" }]);
  });

  it("a caller who may not read users gets owners with only @odata.type and id", async () => {
    const { as, tenant, tenantId } = people();
    const app = tenant.addApplication({ displayName: "A", owners: [DEFAULT_ADMIN_ID] });
    const appOnlyReader = as(tokenFor(tenantId, { scp: "Application.ReadWrite.All User.Read" }));
    const [owner] = bodyOf<{ value: Owner[] }>(await appOnlyReader("GET", `/applications/${app.id}/owners`)).value;
    expect(owner).toMatchObject({ "@odata.type": "#microsoft.graph.user", id: DEFAULT_ADMIN_ID, displayName: null, userPrincipalName: null });
    expect((await as(tokenFor(tenantId, { scp: "User.Read" }))("GET", `/applications/${app.id}/owners`)).status).toBe(403);
  });

  it("the owner may add a certificate to their app; a plain member may not touch the admin's app; an admin may", async () => {
    const { asMember, asAdmin, tenant } = people();
    await asMember("PATCH", "/applications(uniqueName='mine')", { displayName: "Mine" }, PREFER);
    const mine = tenant.applicationByUniqueName("mine");
    expect((await asMember("PATCH", `/applications/${mine?.id}`, certificateBody())).status).toBe(204);
    expect(tenant.keyCredentials(mine?.appId ?? "")).toHaveLength(1);

    await asAdmin("PATCH", "/applications(uniqueName='xops-app')", { displayName: "Xops-App" }, PREFER);
    const admins = tenant.applicationByUniqueName("xops-app");
    expect(tenant.ownerIds(admins?.id ?? "")).toEqual([DEFAULT_ADMIN_ID]);
    const refused = await asMember("PATCH", `/applications(appId='${admins?.appId}')`, certificateBody());
    expect(refused.status).toBe(403);
    expect(errorOf(refused)).toEqual({ code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." });
    expect((await asMember("PATCH", "/applications(uniqueName='xops-app')", { displayName: "Renamed" }, PREFER)).status).toBe(403);
    expect((await asMember("DELETE", `/applications/${admins?.id}`)).status).toBe(403);
    expect(tenant.keyCredentials(admins?.appId ?? "")).toHaveLength(0);
    expect(tenant.applicationByUniqueName("xops-app")?.displayName).toBe("Xops-App");

    expect((await asAdmin("PATCH", `/applications/${mine?.id}`, { notes: "seen by an admin" })).status).toBe(204);
    expect((await asAdmin("PATCH", `/applications/${admins?.id}`, certificateBody())).status).toBe(204);
    expect(tenant.keyCredentials(admins?.appId ?? "")).toHaveLength(1);
    expect((await asMember("DELETE", `/applications/${mine?.id}`)).status).toBe(204);
    expect(tenant.applicationByUniqueName("mine")).toBeUndefined();
  });

  it("with 'Users can register applications' off, a member needs Application Developer, and then owns the app", async () => {
    const { as, tenant, tenantId } = people({}, { usersCanRegisterApps: false });
    const member = as(tokenFor(tenantId, { scp: MEMBER_SCOPES, oid: DEFAULT_MEMBER_ID }));
    expect((await member("POST", "/applications", { displayName: "No" })).status).toBe(403);
    expect(tenant.applications()).toHaveLength(0);
    const developer = as(tokenFor(tenantId, { scp: MEMBER_SCOPES, oid: DEFAULT_MEMBER_ID, wids: [RoleTemplateIds.ApplicationDeveloper] }));
    const created = await developer("POST", "/applications", { displayName: "Yes" });
    expect(created.status).toBe(201);
    expect(tenant.ownerIds(bodyOf<{ id: string }>(created).id)).toEqual([DEFAULT_MEMBER_ID]);
  });

  it("owners are added and removed through $ref, with Graph's duplicate and missing-reference answers", async () => {
    const { asAdmin, asMember, tenant } = people();
    const app = tenant.addApplication({ displayName: "A", owners: [DEFAULT_ADMIN_ID] });
    const ref = { "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${DEFAULT_MEMBER_ID}` };
    expect((await asMember("POST", `/applications/${app.id}/owners/$ref`, ref)).status).toBe(403);
    expect((await asAdmin("POST", `/applications/${app.id}/owners/$ref`, ref)).status).toBe(204);
    expect(tenant.ownerIds(app.id)).toEqual([DEFAULT_ADMIN_ID, DEFAULT_MEMBER_ID]);
    const dup = await asAdmin("POST", `/applications/${app.id}/owners/$ref`, ref);
    expect(dup.status).toBe(400);
    expect(errorOf(dup).message).toBe("One or more added object references already exist for the following modified properties: 'owners'.");
    const unknown = await asAdmin("POST", `/applications/${app.id}/owners/$ref`, { "@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/3f1b2c4d-0000-0000-0000-000000000000" });
    expect(unknown.status).toBe(404);

    expect((await asMember("DELETE", `/applications/${app.id}/owners/${DEFAULT_ADMIN_ID}/$ref`)).status).toBe(204);
    expect(tenant.ownerIds(app.id)).toEqual([DEFAULT_MEMBER_ID]);
    const again = await asAdmin("DELETE", `/applications/${app.id}/owners/${DEFAULT_ADMIN_ID}/$ref`);
    expect(again.status).toBe(400);
    expect(errorOf(again).message).toBe("One or more removed object references do not exist for the following modified properties: 'owners'.");
  });

  it("a new owner replicates like other writes", async () => {
    const { asAdmin, tenant, clock, fake } = people();
    const app = tenant.addApplication({ displayName: "A" });
    fake.setFaults({ lagMs: 5_000 });
    await asAdmin("POST", `/applications/${app.id}/owners/$ref`, { "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${DEFAULT_MEMBER_ID}` });
    expect(bodyOf<{ value: unknown[] }>(await asAdmin("GET", `/applications/${app.id}/owners`)).value).toEqual([]);
    clock.advance(5_000);
    expect(bodyOf<{ value: Owner[] }>(await asAdmin("GET", `/applications/${app.id}/owners`)).value.map((o) => o.id)).toEqual([DEFAULT_MEMBER_ID]);
  });

  it("creating a service principal: admin roles, or an owner of a single-tenant app who is an Application Developer", async () => {
    const { as, asAdmin, tenant, tenantId } = people();
    const single = tenant.addApplication({ displayName: "Single", signInAudience: "AzureADMyOrg", owners: [DEFAULT_MEMBER_ID] });
    const multi = tenant.addApplication({ displayName: "Multi", signInAudience: "AzureADMultipleOrgs", owners: [DEFAULT_MEMBER_ID] });
    const plainOwner = as(tokenFor(tenantId, { scp: MEMBER_SCOPES, oid: DEFAULT_MEMBER_ID }));
    const developerOwner = as(tokenFor(tenantId, { scp: MEMBER_SCOPES, oid: DEFAULT_MEMBER_ID, wids: [RoleTemplateIds.ApplicationDeveloper] }));
    expect((await plainOwner("POST", "/servicePrincipals", { appId: single.appId })).status).toBe(403);
    expect((await developerOwner("POST", "/servicePrincipals", { appId: multi.appId })).status).toBe(403);
    expect((await developerOwner("POST", "/servicePrincipals", { appId: single.appId })).status).toBe(201);
    expect((await asAdmin("PATCH", `/servicePrincipals(appId='${multi.appId}')`, {}, PREFER)).status).toBe(201);
    expect(tenant.servicePrincipals().filter((s) => s.appId === single.appId || s.appId === multi.appId)).toHaveLength(2);
  });

  it("service principal owners: listed, and they may update it; others may not", async () => {
    const { asAdmin, asMember, tenant } = people();
    const app = tenant.addApplication({ displayName: "A" });
    const sp = tenant.addServicePrincipal({ appId: app.appId, owners: [DEFAULT_MEMBER_ID] });
    const owners = bodyOf<{ value: Owner[] }>(await asAdmin("GET", `/servicePrincipals/${sp.id}/owners`)).value;
    expect(owners.map((o) => o.id)).toEqual([DEFAULT_MEMBER_ID]);
    expect((await asMember("PATCH", `/servicePrincipals/${sp.id}`, { tags: ["mine"] })).status).toBe(204);
    const other = tenant.addServicePrincipal({ appId: tenant.addApplication({ displayName: "B" }).appId });
    expect((await asMember("PATCH", `/servicePrincipals/${other.id}`, { tags: ["not mine"] })).status).toBe(403);
    expect(tenant.servicePrincipalByAppId(other.appId)?.tags).toEqual([]);
  });
});

describe("app-only callers", () => {
  function withCaller(roles: string[]) {
    const ctx = people();
    const clientApp = ctx.tenant.addApplication({ displayName: "Automation" });
    const clientSp = ctx.tenant.addServicePrincipal({ appId: clientApp.appId });
    const app = ctx.as(tokenFor(ctx.tenantId, { roles, oid: clientSp.id }));
    return { ...ctx, clientSp, app };
  }

  it("Application.ReadWrite.OwnedBy: owns what it creates, manages only that, and cannot add owners", async () => {
    const { app, clientSp, tenant } = withCaller(["Application.ReadWrite.OwnedBy"]);
    const created = await app("PATCH", "/applications(uniqueName='automated')", { displayName: "Automated", signInAudience: "AzureADMyOrg" }, PREFER);
    expect(created.status).toBe(201);
    const automated = bodyOf<{ id: string; appId: string }>(created);
    expect(tenant.ownerIds(automated.id)).toEqual([clientSp.id]);
    const [owner] = bodyOf<{ value: Owner[] }>(await app("GET", `/applications/${automated.id}/owners`)).value;
    expect(owner).toMatchObject({ "@odata.type": "#microsoft.graph.servicePrincipal", id: clientSp.id, appId: clientSp.appId, displayName: "Automation" });
    expect((await app("PATCH", `/applications/${automated.id}`, certificateBody())).status).toBe(204);
    const sp = await app("POST", "/servicePrincipals", { appId: automated.appId });
    expect(sp.status).toBe(201);
    expect(tenant.ownerIds(bodyOf<{ id: string }>(sp).id)).toEqual([clientSp.id]);

    const foreign = tenant.addApplication({ displayName: "Someone else's" });
    expect((await app("PATCH", `/applications/${foreign.id}`, certificateBody())).status).toBe(403);
    expect((await app("DELETE", `/applications/${foreign.id}`)).status).toBe(403);
    expect((await app("POST", "/servicePrincipals", { appId: foreign.appId })).status).toBe(403);
    const ref = { "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${DEFAULT_MEMBER_ID}` };
    expect((await app("POST", `/applications/${automated.id}/owners/$ref`, ref)).status).toBe(403);
    expect(tenant.keyCredentials(foreign.appId)).toHaveLength(0);
    expect(tenant.ownerIds(automated.id)).toEqual([clientSp.id]);
  });

  it("Application.ReadWrite.All manages any app", async () => {
    const { app, tenant } = withCaller(["Application.ReadWrite.All"]);
    const foreign = tenant.addApplication({ displayName: "Someone else's" });
    expect((await app("PATCH", `/applications/${foreign.id}`, certificateBody())).status).toBe(204);
    const ref = { "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${DEFAULT_MEMBER_ID}` };
    expect((await app("POST", `/applications/${foreign.id}/owners/$ref`, ref)).status).toBe(204);
    expect(tenant.ownerIds(foreign.id)).toEqual([DEFAULT_MEMBER_ID]);
  });
});
