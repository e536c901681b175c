import { describe, expect, it } from "vitest";
import { EXCHANGE_ONLINE_APP_ID, MICROSOFT_GRAPH_APP_ID, RoleTemplateIds } from "../../src/fake/seed.js";
import { FakeGraph } from "../../src/fake/fake-graph.js";
import { virtualClock } from "../../src/shared/clock.js";
import { unsignedToken } from "../../src/fake/tokens.js";
import { ADMIN_SCOPES, bodyOf, errorOf, setup } from "./helpers.js";

describe("service principals", () => {
  it("POST creates from the app, then 409 with Graph's message", async () => {
    const { call, tenant } = setup();
    const app = tenant.addApplication({ displayName: "Xops-App" });
    const created = await call("POST", "/servicePrincipals", { appId: app.appId });
    expect(created.status).toBe(201);
    expect(bodyOf(created)).toMatchObject({ appId: app.appId, appDisplayName: "Xops-App", displayName: "Xops-App", servicePrincipalNames: [app.appId], accountEnabled: true });
    const again = await call("POST", "/servicePrincipals", { appId: app.appId });
    expect(again.status).toBe(409);
    expect(errorOf(again)).toEqual({
      code: "Request_MultipleObjectsWithSameKeyValue",
      message: `The service principal cannot be created, updated, or restored because the service principal name ${app.appId} is already in use.`,
    });
    expect(tenant.servicePrincipals().filter((s) => s.appId === app.appId)).toHaveLength(1);
  });

  it("NoBackingApplicationObject while the new app replicates, success once the lag has passed", async () => {
    const { call, clock } = setup({ lagMs: 10_000 });
    const app = bodyOf<{ id: string; appId: string }>(await call("POST", "/applications", { displayName: "Fresh" }));
    const early = await call("POST", "/servicePrincipals", { appId: app.appId });
    expect(early.status).toBe(400);
    expect(errorOf(early).message).toBe(`The appId '${app.appId}' of the service principal does not reference a valid application object.`);
    expect((early.body as { error: { details: { code: string }[] } }).error.details[0]?.code).toBe("NoBackingApplicationObject");
    expect((await call("GET", `/applications/${app.id}`)).status).toBe(404);
    clock.advance(10_000);
    expect((await call("GET", `/applications/${app.id}`)).status).toBe(200);
    expect((await call("POST", "/servicePrincipals", { appId: app.appId })).status).toBe(201);
  });

  it("serves the previous version of an updated object until the lag has passed", async () => {
    const { call, clock, tenant, fake } = setup();
    const app = tenant.addApplication({ displayName: "Before" });
    fake.setFaults({ lagMs: 5_000 });
    expect((await call("PATCH", `/applications/${app.id}`, { displayName: "After" })).status).toBe(204);
    expect(bodyOf(await call("GET", `/applications/${app.id}`))["displayName"]).toBe("Before");
    expect(tenant.applications()[0]?.displayName).toBe("After");
    clock.advance(5_000);
    expect(bodyOf(await call("GET", `/applications/${app.id}`))["displayName"]).toBe("After");
  });

  it("upsert by appId: 201, then 204; 404 without Prefer", async () => {
    const { call, tenant } = setup();
    const app = tenant.addApplication({ displayName: "Xops-App" });
    const prefer = { headers: { prefer: "create-if-missing" } };
    expect((await call("PATCH", `/servicePrincipals(appId='${app.appId}')`, { tags: ["x"] })).status).toBe(404);
    expect((await call("PATCH", `/servicePrincipals(appId='${app.appId}')`, { tags: ["x"] }, prefer)).status).toBe(201);
    expect((await call("PATCH", `/servicePrincipals(appId='${app.appId}')`, { tags: ["y"] }, prefer)).status).toBe(204);
    expect(tenant.servicePrincipalByAppId(app.appId)?.tags).toEqual(["y"]);
  });

  it("first-party Graph SP carries app roles and delegated scopes with different ids", async () => {
    const { call } = setup();
    const res = await call("GET", `/servicePrincipals(appId='${MICROSOFT_GRAPH_APP_ID}')?$select=id,appRoles,oauth2PermissionScopes`);
    const sp = bodyOf<{ appRoles: { id: string; value: string }[]; oauth2PermissionScopes: { id: string; value: string }[] }>(res);
    expect(sp.appRoles.find((r) => r.value === "AccessReview.Read.All")?.id).toBe("d07a8cc0-3d51-4b77-b3b0-32704d1f69fa");
    expect(sp.oauth2PermissionScopes.find((r) => r.value === "AccessReview.Read.All")?.id).toBe("ebfcd32b-babb-40f4-a14b-42706e83bd28");
  });

  it("re-creates a missing Exchange Online SP from first-party data", async () => {
    const clock = virtualClock();
    const fake = new FakeGraph({ clock, tenants: [{ displayName: "NoExchange", hasExchange: false }] });
    const tid = fake.tenantIds()[0] as string;
    // Creating a first-party SP needs an app admin role, as in Entra.
    const token = unsignedToken({ tid, scp: ADMIN_SCOPES, wids: [RoleTemplateIds.CloudApplicationAdministrator] });
    const call = (method: string, url: string, body?: unknown) => fake.handle({ method, url, headers: { authorization: `Bearer ${token}` }, body });
    expect((await call("GET", `/servicePrincipals(appId='${EXCHANGE_ONLINE_APP_ID}')`)).status).toBe(404);
    const created = await call("POST", "/servicePrincipals", { appId: EXCHANGE_ONLINE_APP_ID });
    expect(created.status).toBe(201);
    const roles = bodyOf<{ appRoles: { value: string; allowedMemberTypes: string[] }[] }>(created).appRoles;
    expect(roles.find((r) => r.value === "Exchange.ManageAsApp")?.allowedMemberTypes).toEqual(["Application"]);
    expect(fake.tenant(tid).initialDomain).toBe("noexchange.onmicrosoft.com");
  });

  it("lists by $filter and reports unknown SPs as 404", async () => {
    const { call } = setup();
    const list = await call("GET", "/servicePrincipals?$filter=displayName eq 'Microsoft Graph'");
    expect(bodyOf<{ value: { appId: string }[] }>(list).value.map((s) => s.appId)).toEqual([MICROSOFT_GRAPH_APP_ID]);
    expect((await call("GET", "/servicePrincipals/3f1b2c4d-0000-0000-0000-000000000000")).status).toBe(404);
  });
});
