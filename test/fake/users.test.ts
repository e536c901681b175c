import { describe, expect, it } from "vitest";
import { RoleTemplateIds } from "../../src/fake/seed.js";
import { DEFAULT_ADMIN_ID, DEFAULT_MEMBER_ID } from "../../src/fake/users.js";
import { ADMIN_SCOPES, bodyOf, errorOf, setup, tokenFor } from "./helpers.js";

type Assignment = { principalId: string; roleDefinitionId: string; directoryScopeId: string };

describe("users", () => {
  it("every tenant has the harness admin (PRA + Cloud App Admin) and a plain member, unless seeded otherwise", () => {
    const { tenant } = setup();
    expect(tenant.users().map((u) => [u.id, u.displayName, u.userPrincipalName])).toEqual([
      [DEFAULT_ADMIN_ID, "Tenant Admin", `admin@${tenant.initialDomain}`],
      [DEFAULT_MEMBER_ID, "Plain Member", `member@${tenant.initialDomain}`],
    ]);
    const roles = (id: string) => tenant.roleAssignmentsFor(id).map((r) => r.roleDefinitionId).sort();
    expect(roles(DEFAULT_ADMIN_ID)).toEqual([RoleTemplateIds.PrivilegedRoleAdministrator, RoleTemplateIds.CloudApplicationAdministrator].sort());
    expect(roles(DEFAULT_MEMBER_ID)).toEqual([]);
    expect(setup({}, { users: [] }).tenant.users()).toEqual([]);
  });

  it("a user's roles come back from the principalId filter, like a service principal's", async () => {
    const { call, tenant } = setup({}, { users: [{ displayName: "Grace Global", roles: [RoleTemplateIds.GlobalAdministrator] }] });
    const grace = tenant.user(`grace.global@${tenant.initialDomain}`);
    expect(grace?.displayName).toBe("Grace Global");
    const listed = await call("GET", `/roleManagement/directory/roleAssignments?$filter=principalId eq '${grace?.id}'`);
    expect(bodyOf<{ value: Assignment[] }>(listed).value).toEqual([
      expect.objectContaining({ principalId: grace?.id, roleDefinitionId: RoleTemplateIds.GlobalAdministrator, directoryScopeId: "/" }),
    ]);
  });

  it("a role can be assigned to a user through Graph, and removed again", async () => {
    const { call, tenant } = setup();
    const created = await call("POST", "/roleManagement/directory/roleAssignments", { principalId: DEFAULT_MEMBER_ID, roleDefinitionId: RoleTemplateIds.ApplicationDeveloper, directoryScopeId: "/" });
    expect(created.status).toBe(201);
    expect(tenant.roleAssignmentsFor(DEFAULT_MEMBER_ID).map((r) => r.roleDefinitionId)).toEqual([RoleTemplateIds.ApplicationDeveloper]);
    expect((await call("DELETE", `/roleManagement/directory/roleAssignments/${bodyOf<{ id: string }>(created).id}`)).status).toBe(204);
    expect(tenant.roleAssignmentsFor(DEFAULT_MEMBER_ID)).toEqual([]);
  });

  it("GET /users/{id} and $filter need a user-read permission, except for oneself; $select applies", async () => {
    const { call, tenantId, tenant } = setup();
    const reader = tokenFor(tenantId, { scp: "User.ReadBasic.All", oid: DEFAULT_MEMBER_ID });
    const own = tokenFor(tenantId, { scp: "User.Read", oid: DEFAULT_MEMBER_ID });
    const byId = await call("GET", `/users/${DEFAULT_ADMIN_ID}?$select=displayName,userPrincipalName`, undefined, { token: reader });
    expect(bodyOf(byId)).toMatchObject({ id: DEFAULT_ADMIN_ID, displayName: "Tenant Admin", userPrincipalName: `admin@${tenant.initialDomain}` });
    expect(bodyOf(byId)["mail"]).toBeUndefined();
    const filtered = await call("GET", `/users?$filter=userPrincipalName eq 'MEMBER@${tenant.initialDomain}'`, undefined, { token: reader });
    expect(bodyOf<{ value: { id: string }[] }>(filtered).value.map((u) => u.id)).toEqual([DEFAULT_MEMBER_ID]);
    expect((await call("GET", `/users/${DEFAULT_ADMIN_ID}`, undefined, { token: own })).status).toBe(403);
    expect((await call("GET", `/users/member@${tenant.initialDomain}`, undefined, { token: own })).status).toBe(200);
    expect((await call("GET", "/users/3f1b2c4d-0000-0000-0000-000000000000", undefined, { token: reader })).status).toBe(404);
  });

  it("GET /me is the signed-in user; app-only tokens have none", async () => {
    const { call, tenantId } = setup();
    const me = await call("GET", "/me", undefined, { token: tokenFor(tenantId, { scp: "User.Read", oid: DEFAULT_ADMIN_ID }) });
    expect(bodyOf(me)).toMatchObject({ id: DEFAULT_ADMIN_ID, displayName: "Tenant Admin" });
    const appOnly = await call("GET", "/me", undefined, { token: tokenFor(tenantId, { roles: ["User.Read.All"] }) });
    expect(appOnly.status).toBe(400);
    expect(errorOf(appOnly).message).toBe("/me request is only valid with delegated authentication flow.");
  });

  it("GET /directoryObjects/{id} answers users and service principals with their @odata.type", async () => {
    const { call, tenantId, tenant } = setup();
    const token = tokenFor(tenantId, { scp: `${ADMIN_SCOPES} User.ReadBasic.All` });
    const user = await call("GET", `/directoryObjects/${DEFAULT_MEMBER_ID}`, undefined, { token });
    expect(bodyOf(user)).toMatchObject({ "@odata.type": "#microsoft.graph.user", id: DEFAULT_MEMBER_ID, displayName: "Plain Member" });
    const graphSp = tenant.servicePrincipals()[0];
    const sp = await call("GET", `/directoryObjects/${graphSp?.id}?$select=appId`, undefined, { token });
    expect(bodyOf(sp)).toEqual(expect.objectContaining({ "@odata.type": "#microsoft.graph.servicePrincipal", id: graphSp?.id, appId: graphSp?.appId }));
    expect((await call("GET", `/directoryObjects/${DEFAULT_MEMBER_ID}`, undefined, { token: tokenFor(tenantId, { scp: "Application.Read.All" }) })).status).toBe(403);
  });

  it("seeding refuses duplicate users and unknown roles", () => {
    const { tenant } = setup();
    expect(() => tenant.addUser({ id: DEFAULT_MEMBER_ID, displayName: "Again" })).toThrow(RangeError);
    expect(() => tenant.addUser({ displayName: "Nobody", roles: ["3f1b2c4d-0000-0000-0000-000000000000"] })).toThrow(RangeError);
    expect(tenant.users()).toHaveLength(2);
  });
});
