/**
 * The sandbox's signed-in admin is a user of its tenant: the apps it creates are owned by it, and
 * its role assignments over Graph match the `wids` in its tokens.
 */
import { DeviceCodeCredential } from "@azure/identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeJwtClaims } from "../../src/fake/tokens.js";
import { httpsFetch } from "../../src/graph/https-fetch.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";

const CLIENT_ID = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
/** The implicit "User" role Entra puts in every member's wids; it is not a role assignment. */
const USER_ROLE = "b79fbf4d-3ef9-4689-8143-76b194e85509";
const PRA = "e8611ab8-c189-46e8-94e1-60213ab1f814";
const CLOUD_APP_ADMIN = "158c047a-c907-4556-b7ef-446551a6b5f7";

describe.each([
  ["Privileged Role Administrator + Cloud Application Administrator", false, [PRA, CLOUD_APP_ADMIN]],
  ["Cloud Application Administrator only", true, [CLOUD_APP_ADMIN]],
])("sandbox admin with %s", (_name, lacksPra, expectedRoles) => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ adminLacksPrivilegedRoleAdmin: lacksPra });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  async function graph(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await httpsFetch({ ca: sandbox.caPem })(`${sandbox.graphUrl}/v1.0${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  it("is a user of the tenant, owns the app it creates, and holds over Graph the roles its token claims", async () => {
    const tenant = sandbox.tenants[0];
    const credential = new DeviceCodeCredential({
      tenantId: tenant?.id ?? "",
      clientId: CLIENT_ID,
      authorityHost: sandbox.authorityHost,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: sandbox.caPem },
      userPromptCallback: () => undefined,
    });
    const token = (await credential.getToken("https://graph.microsoft.com/.default")).token;
    const claims = decodeJwtClaims(token) ?? {};
    const oid = String(claims["oid"]);
    const wids = (claims["wids"] as string[]).filter((w) => w !== USER_ROLE);
    expect(wids.sort()).toEqual([...expectedRoles].sort());

    const created = await graph("POST", "/applications", token, { displayName: "Owned-by-the-admin", signInAudience: "AzureADMyOrg" });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const owners = await graph("GET", `/applications/${String(created.body["id"])}/owners`, token);
    expect(owners.body["value"]).toEqual([
      expect.objectContaining({ "@odata.type": "#microsoft.graph.user", id: oid, displayName: "Sandbox Admin", userPrincipalName: `admin@${tenant?.initialDomain}` }),
    ]);
    const roles = await graph("GET", `/roleManagement/directory/roleAssignments?$filter=principalId eq '${oid}'`, token);
    const assigned = (roles.body["value"] as { roleDefinitionId: string; directoryScopeId: string }[]).map((r) => r.roleDefinitionId);
    expect(assigned.sort()).toEqual(wids);
    expect(sandbox.fake.tenant(tenant?.id ?? "").users().map((u) => u.id)).toEqual([oid]);
  });
});
