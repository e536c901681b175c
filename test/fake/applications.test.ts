import { describe, expect, it } from "vitest";
import { bodyOf, errorOf, setup } from "./helpers.js";

describe("applications", () => {
  it("POST creates with Graph defaults and rejects a body without displayName", async () => {
    const { call } = setup();
    const created = await call("POST", "/applications", { displayName: "Plain" });
    expect(created.status).toBe(201);
    expect(bodyOf(created)).toMatchObject({ displayName: "Plain", signInAudience: "AzureADandPersonalMicrosoftAccount", uniqueName: null, keyCredentials: [] });
    const bad = await call("POST", "/applications", { signInAudience: "AzureADMyOrg" });
    expect(bad.status).toBe(400);
  });

  it("upsert by uniqueName: 201 when missing, 204 when present, 404 without Prefer", async () => {
    const { call, tenant } = setup();
    const prefer = { headers: { prefer: "create-if-missing" } };
    const first = await call("PATCH", "/applications(uniqueName='xops-app')", { displayName: "Xops-App", signInAudience: "AzureADMyOrg" }, prefer);
    expect(first.status).toBe(201);
    expect(bodyOf(first)).toMatchObject({ uniqueName: "xops-app", signInAudience: "AzureADMyOrg" });
    const second = await call("PATCH", "/applications(uniqueName='xops-app')", { displayName: "Xops-App", notes: "v2" }, prefer);
    expect(second.status).toBe(204);
    expect(second.body).toBeUndefined();
    const missing = await call("PATCH", "/applications(uniqueName='other')", { displayName: "Other" });
    expect(missing.status).toBe(404);
    expect(errorOf(missing).code).toBe("Request_ResourceNotFound");
    expect(tenant.applications()).toHaveLength(1);
    expect(tenant.applications()[0]?.["notes"]).toBe("v2");
  });

  it("upsert create path needs displayName", async () => {
    const { call, tenant } = setup();
    const res = await call("PATCH", "/applications(uniqueName='x')", { notes: "n" }, { headers: { prefer: "create-if-missing" } });
    expect(res.status).toBe(400);
    expect(tenant.applications()).toHaveLength(0);
  });

  it("five concurrent upserts create exactly one app, even under replication lag", async () => {
    const { call, tenant } = setup({ lagMs: 30_000 });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => call("PATCH", "/applications(uniqueName='xops-app')", { displayName: "Xops-App" }, { headers: { prefer: "create-if-missing" } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 204, 204, 204, 204]);
    expect(tenant.applications()).toHaveLength(1);
  });

  it("uniqueName cannot be changed by PATCH", async () => {
    const { call, tenant } = setup();
    const app = tenant.addApplication({ displayName: "A", uniqueName: "a" });
    const res = await call("PATCH", `/applications/${app.id}`, { uniqueName: "b" });
    expect(res.status).toBe(400);
    expect(tenant.applications()[0]?.uniqueName).toBe("a");
  });

  it("lookups by id, appId, uniqueName and $filter; 404 message names the key", async () => {
    const { call, tenant } = setup();
    const app = tenant.addApplication({ displayName: "O'Brien App", uniqueName: "obrien" });
    tenant.addApplication({ displayName: "Other" });
    for (const url of [`/applications/${app.id}`, `/applications(appId='${app.appId}')`, "/applications(uniqueName='obrien')"]) {
      const res = await call("GET", url);
      expect(res.status, url).toBe(200);
      expect(bodyOf(res)["id"]).toBe(app.id);
    }
    const filtered = await call("GET", "/applications?$filter=displayName%20eq%20'O''Brien%20App'");
    expect(bodyOf<{ value: { id: string }[] }>(filtered).value.map((a) => a.id)).toEqual([app.id]);
    const byAppId = await call("GET", `/applications?$filter=appId eq '${app.appId}'&$select=id,displayName`);
    expect(bodyOf<{ value: unknown[] }>(byAppId).value).toEqual([{ id: app.id, displayName: "O'Brien App" }]);
    const missing = await call("GET", "/applications(appId='00000000-1111-2222-3333-444444444444')");
    expect(missing.status).toBe(404);
    expect(errorOf(missing)).toEqual({
      code: "Request_ResourceNotFound",
      message: "Resource '00000000-1111-2222-3333-444444444444' does not exist or one of its queried reference-property objects are not present.",
    });
  });

  it("pages with an absolute @odata.nextLink until all items are read", async () => {
    const { call, tenant } = setup();
    for (let i = 0; i < 25; i++) tenant.addApplication({ displayName: `App ${i}` });
    const seen: string[] = [];
    let url: string | undefined = "/applications?$top=10&$select=displayName";
    let pages = 0;
    while (url !== undefined) {
      const res = await call("GET", url);
      expect(res.status).toBe(200);
      const body = bodyOf<{ value: { displayName: string }[]; "@odata.nextLink"?: string }>(res);
      seen.push(...body.value.map((a) => a.displayName));
      const next = body["@odata.nextLink"];
      if (next !== undefined) expect(next.startsWith("https://graph.microsoft.com/v1.0/applications?")).toBe(true);
      url = next?.slice("https://graph.microsoft.com/v1.0".length);
      pages++;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(25);
    expect((await call("GET", "/applications?$top=1000")).status).toBe(400);
  });

  it("DELETE removes the app, its service principal and that SP's assignments", async () => {
    const { call, tenant } = setup();
    const app = tenant.addApplication({ displayName: "Gone" });
    const sp = tenant.addServicePrincipal({ appId: app.appId });
    tenant.addRoleAssignment({ principalId: sp.id, roleDefinitionId: "f2ef992c-3afb-46b9-b7cf-a126ee74c451" });
    expect((await call("DELETE", `/applications/${app.id}`)).status).toBe(204);
    expect((await call("GET", `/applications/${app.id}`)).status).toBe(404);
    expect(tenant.servicePrincipalByAppId(app.appId)).toBeUndefined();
    expect(tenant.roleAssignmentsFor(sp.id)).toEqual([]);
  });

  it("unknown routes answer Graph's segment error", async () => {
    const { call } = setup();
    const res = await call("GET", "/v1.0/organization");
    expect(res.status).toBe(400);
    expect(errorOf(res)).toEqual({ code: "BadRequest", message: "Resource not found for the segment 'v1.0'." });
  });
});
