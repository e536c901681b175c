import { describe, expect, it } from "vitest";
import { EXCHANGE_ONLINE_APP_ID, MICROSOFT_GRAPH_APP_ID, RoleTemplateIds } from "../../src/fake/seed.js";
import { bodyOf, errorOf, setup, tokenFor } from "./helpers.js";

const ACCESS_REVIEW_ROLE = "d07a8cc0-3d51-4b77-b3b0-32704d1f69fa";
const ACCESS_REVIEW_SCOPE = "ebfcd32b-babb-40f4-a14b-42706e83bd28";
const MANAGE_AS_APP = "dc50a0fb-09a3-484d-be87-e023b12c6440";
const GRANT_SCOPES = "AppRoleAssignment.ReadWrite.All Application.Read.All";

function withClient(faults = {}) {
  const ctx = setup(faults);
  const app = ctx.tenant.addApplication({ displayName: "Xops-App" });
  const client = ctx.tenant.addServicePrincipal({ appId: app.appId });
  const graph = ctx.tenant.servicePrincipalByAppId(MICROSOFT_GRAPH_APP_ID);
  const exchange = ctx.tenant.servicePrincipalByAppId(EXCHANGE_ONLINE_APP_ID);
  if (graph === undefined || exchange === undefined) throw new Error("seed SPs missing");
  return { ...ctx, app, client, graph, exchange };
}

describe("app role assignments", () => {
  it("grants via appRoleAssignedTo (201, documented body) and refuses the duplicate", async () => {
    const { call, client, graph, tenant } = withClient();
    const body = { principalId: client.id, resourceId: graph.id, appRoleId: ACCESS_REVIEW_ROLE };
    const created = await call("POST", `/servicePrincipals/${graph.id}/appRoleAssignedTo`, body);
    expect(created.status).toBe(201);
    expect(bodyOf(created)).toMatchObject({ principalId: client.id, resourceId: graph.id, appRoleId: ACCESS_REVIEW_ROLE, principalType: "ServicePrincipal", resourceDisplayName: "Microsoft Graph" });
    expect(bodyOf(created)["id"]).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const dup = await call("POST", `/servicePrincipals/${client.id}/appRoleAssignments`, body);
    expect(dup.status).toBe(400);
    expect(errorOf(dup)).toEqual({ code: "Request_BadRequest", message: "Permission being assigned already exists on the object" });
    expect(tenant.appRoleAssignmentsFor(client.id)).toHaveLength(1);
    const listed = bodyOf<{ value: unknown[] }>(await call("GET", `/servicePrincipals/${client.id}/appRoleAssignments`));
    expect(listed.value).toHaveLength(1);
  });

  it("rejects the delegated scope id picked by mistake", async () => {
    const { call, client, graph, tenant } = withClient();
    const res = await call("POST", `/servicePrincipals(appId='${MICROSOFT_GRAPH_APP_ID}')/appRoleAssignedTo`, { principalId: client.id, resourceId: graph.id, appRoleId: ACCESS_REVIEW_SCOPE });
    expect(res.status).toBe(400);
    expect(errorOf(res).message).toBe("One or more properties are invalid.");
    expect(tenant.appRoleAssignments()).toHaveLength(0);
  });

  it("answers 'Not a valid reference update' while the new client SP replicates", async () => {
    const { call, graph, tenant, clock, app, fake } = withClient();
    tenant.removeServicePrincipal(app.appId);
    fake.setFaults({ lagMs: 3_000 });
    const fresh = await setupFreshSp(call, app.appId);
    const grant = () => call("POST", `/servicePrincipals/${graph.id}/appRoleAssignedTo`, { principalId: fresh, resourceId: graph.id, appRoleId: ACCESS_REVIEW_ROLE });
    const early = await grant();
    expect(errorOf(early)).toEqual({ code: "Request_BadRequest", message: "Not a valid reference update." });
    clock.advance(3_000);
    expect((await grant()).status).toBe(201);
  });

  it.each([
    ["no directory role, Graph resource", { scp: GRANT_SCOPES, wids: [] }, "graph", 403],
    ["Cloud App Admin, Graph resource", { scp: GRANT_SCOPES, wids: [RoleTemplateIds.CloudApplicationAdministrator] }, "graph", 403],
    ["Cloud App Admin, Exchange resource", { scp: GRANT_SCOPES, wids: [RoleTemplateIds.CloudApplicationAdministrator] }, "exchange", 201],
    ["PRA, Graph resource", { scp: GRANT_SCOPES, wids: [RoleTemplateIds.PrivilegedRoleAdministrator] }, "graph", 201],
    ["PRA without a read scope", { scp: "AppRoleAssignment.ReadWrite.All", wids: [RoleTemplateIds.PrivilegedRoleAdministrator] }, "graph", 403],
    ["app-only with both roles", { roles: ["AppRoleAssignment.ReadWrite.All", "Directory.Read.All"] }, "graph", 201],
  ] as Array<[string, { scp?: string; roles?: string[]; wids?: string[] }, "graph" | "exchange", number]>)("grant permission: %s", async (_name, claims, which, status) => {
    const { call, client, graph, exchange, tenantId, tenant } = withClient();
    const resource = which === "graph" ? graph : exchange;
    const appRoleId = which === "graph" ? ACCESS_REVIEW_ROLE : MANAGE_AS_APP;
    const res = await call("POST", `/servicePrincipals/${resource.id}/appRoleAssignedTo`, { principalId: client.id, resourceId: resource.id, appRoleId }, { token: tokenFor(tenantId, claims) });
    expect(res.status).toBe(status);
    if (status === 403) expect(errorOf(res)).toEqual({ code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." });
    expect(tenant.appRoleAssignments()).toHaveLength(status === 201 ? 1 : 0);
  });
});

/** Re-creates the SP through Graph (with lag on, so it is new and invisible to other writes). */
async function setupFreshSp(call: ReturnType<typeof setup>["call"], appId: string): Promise<string> {
  const res = await call("POST", "/servicePrincipals", { appId });
  expect(res.status).toBe(201);
  return bodyOf<{ id: string }>(res).id;
}

describe("directory role assignments", () => {
  it("assigns Global Reader by template id (201), refuses the duplicate, lists by filter", async () => {
    const { call, client, tenant } = withClient();
    const body = { principalId: client.id, roleDefinitionId: RoleTemplateIds.GlobalReader, directoryScopeId: "/" };
    const created = await call("POST", "/roleManagement/directory/roleAssignments", body);
    expect(created.status).toBe(201);
    expect(bodyOf(created)).toMatchObject({ principalId: client.id, roleDefinitionId: RoleTemplateIds.GlobalReader, directoryScopeId: "/" });
    const dup = await call("POST", "/roleManagement/directory/roleAssignments", body);
    expect(dup.status).toBe(400);
    expect(errorOf(dup)).toEqual({
      code: "Request_BadRequest",
      message: "A conflicting object with one or more of the specified property values is present in the directory.",
    });
    expect(tenant.roleAssignmentsFor(client.id)).toHaveLength(1);
    const listed = await call("GET", `/roleManagement/directory/roleAssignments?$filter=principalId eq '${client.id}'`);
    expect(bodyOf<{ value: unknown[] }>(listed).value).toHaveLength(1);
    expect((await call("GET", "/roleManagement/directory/roleAssignments")).status).toBe(400);
    const id = bodyOf<{ id: string }>(created).id;
    expect((await call("GET", `/roleManagement/directory/roleAssignments/${id}`)).status).toBe(200);
    expect((await call("DELETE", `/roleManagement/directory/roleAssignments/${id}`)).status).toBe(204);
    expect(tenant.roleAssignmentsFor(client.id)).toHaveLength(0);
  });

  it.each([
    ["Cloud App Admin → 403", [RoleTemplateIds.CloudApplicationAdministrator], 403],
    ["PRA → 201", [RoleTemplateIds.PrivilegedRoleAdministrator], 201],
  ])("requires PRA/GA: %s", async (_name, wids, status) => {
    const { call, client, tenantId } = withClient();
    const token = tokenFor(tenantId, { scp: "RoleManagement.ReadWrite.Directory", wids });
    const res = await call("POST", "/roleManagement/directory/roleAssignments", { principalId: client.id, roleDefinitionId: RoleTemplateIds.GlobalReader, directoryScopeId: "/" }, { token });
    expect(res.status).toBe(status);
  });

  it("filters role definitions by displayName", async () => {
    const { call } = withClient();
    const res = await call("GET", "/roleManagement/directory/roleDefinitions?$filter=displayName eq 'Global Reader'");
    expect(bodyOf<{ value: unknown[] }>(res).value).toEqual([expect.objectContaining({ id: RoleTemplateIds.GlobalReader, templateId: RoleTemplateIds.GlobalReader, isBuiltIn: true })]);
  });
});

describe("deletes for undo and prune", () => {
  it("DELETE through either navigation removes a grant from both lists; a second DELETE is 404", async () => {
    const { call, client, graph, exchange, tenant } = withClient();
    const grant = async (resourceId: string, appRoleId: string) =>
      bodyOf<{ id: string }>(await call("POST", `/servicePrincipals/${client.id}/appRoleAssignments`, { principalId: client.id, resourceId, appRoleId })).id;
    const reviews = await grant(graph.id, ACCESS_REVIEW_ROLE);
    const exo = await grant(exchange.id, MANAGE_AS_APP);
    const ids = async (url: string) => bodyOf<{ value: { id: string }[] }>(await call("GET", url)).value.map((a) => a.id);

    expect((await call("DELETE", `/servicePrincipals/${client.id}/appRoleAssignments/${reviews}`)).status).toBe(204);
    expect(await ids(`/servicePrincipals/${client.id}/appRoleAssignments`)).toEqual([exo]);
    expect(await ids(`/servicePrincipals/${graph.id}/appRoleAssignedTo`)).not.toContain(reviews);
    const again = await call("DELETE", `/servicePrincipals/${client.id}/appRoleAssignments/${reviews}`);
    expect(again.status).toBe(404);
    expect(errorOf(again).code).toBe("Request_ResourceNotFound");

    expect((await call("DELETE", `/servicePrincipals/${exchange.id}/appRoleAssignedTo/${exo}`)).status).toBe(204);
    expect(await ids(`/servicePrincipals/${client.id}/appRoleAssignments`)).toEqual([]);
    expect((await call("DELETE", `/servicePrincipals/${exchange.id}/appRoleAssignedTo/${exo}`)).status).toBe(404);
    expect(tenant.appRoleAssignmentsFor(client.id)).toEqual([]);
  });

  it("an assignment is deleted only through its own principal or resource", async () => {
    const { call, client, graph, exchange, tenant } = withClient();
    const assignment = tenant.addAppRoleAssignment({ principalId: client.id, resourceId: graph.id, appRoleId: ACCESS_REVIEW_ROLE });
    expect((await call("DELETE", `/servicePrincipals/${exchange.id}/appRoleAssignedTo/${assignment.id}`)).status).toBe(404);
    expect(tenant.appRoleAssignmentsFor(client.id)).toHaveLength(1);
  });

  it.each([
    ["Cloud App Admin, Graph permission", [RoleTemplateIds.CloudApplicationAdministrator], "graph", 403],
    ["Cloud App Admin, Exchange permission", [RoleTemplateIds.CloudApplicationAdministrator], "exchange", 204],
    ["PRA, Graph permission", [RoleTemplateIds.PrivilegedRoleAdministrator], "graph", 204],
  ] as Array<[string, string[], "graph" | "exchange", number]>)("deleting a grant follows the granting rules: %s", async (_name, wids, which, status) => {
    const { call, client, graph, exchange, tenant, tenantId } = withClient();
    const resource = which === "graph" ? graph : exchange;
    const assignment = tenant.addAppRoleAssignment({ principalId: client.id, resourceId: resource.id, appRoleId: which === "graph" ? ACCESS_REVIEW_ROLE : MANAGE_AS_APP });
    const token = tokenFor(tenantId, { scp: GRANT_SCOPES, wids });
    expect((await call("DELETE", `/servicePrincipals/${client.id}/appRoleAssignments/${assignment.id}`, undefined, { token })).status).toBe(status);
    expect(tenant.appRoleAssignmentsFor(client.id)).toHaveLength(status === 204 ? 0 : 1);
  });

  it("DELETE of a directory role assignment: 204, then 404; needs PRA or GA", async () => {
    const { call, client, tenant, tenantId } = withClient();
    const assignment = tenant.addRoleAssignment({ principalId: client.id, roleDefinitionId: RoleTemplateIds.GlobalReader });
    const cloudAppAdmin = tokenFor(tenantId, { scp: "RoleManagement.ReadWrite.Directory", wids: [RoleTemplateIds.CloudApplicationAdministrator] });
    expect((await call("DELETE", `/roleManagement/directory/roleAssignments/${assignment.id}`, undefined, { token: cloudAppAdmin })).status).toBe(403);
    expect(tenant.roleAssignmentsFor(client.id)).toHaveLength(1);
    expect((await call("DELETE", `/roleManagement/directory/roleAssignments/${assignment.id}`)).status).toBe(204);
    const listed = await call("GET", `/roleManagement/directory/roleAssignments?$filter=principalId eq '${client.id}'`);
    expect(bodyOf<{ value: unknown[] }>(listed).value).toEqual([]);
    const again = await call("DELETE", `/roleManagement/directory/roleAssignments/${assignment.id}`);
    expect(again.status).toBe(404);
    expect(errorOf(again).code).toBe("Request_ResourceNotFound");
  });
});
