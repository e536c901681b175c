/**
 * The sandbox playing an MSP: the partner's admin signs in once (the real @azure/identity device-code
 * flow), and customer tokens are redeemed silently from that sign-in through GDAP relationships; a
 * customer without one refuses as Entra does (AADSTS50020), one with a weak relationship gets only
 * its roles. Checked on the tokens' claims and on what Graph lets them do.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInFleet, type FleetSignIn } from "../../src/auth/fleet-sign-in.js";
import { ROLE_TEMPLATE } from "../../src/core/well-known.js";
import { DEFAULT_RELATIONSHIP_ROLES } from "../../src/sandbox/partner.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { GDAP_WIDS_INDICATOR } from "../../src/sandbox/tokens.js";
import { claimsOf, expectAadsts, RawClient } from "./raw-client.js";

const CLIENT = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
let sandbox: Sandbox;
let fleet: FleetSignIn;
let raw: RawClient;
const deviceCodes: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ tenants: 3, partner: { withoutRelationship: [2], weakRelationship: [3] } });
  raw = new RawClient(sandbox);
  fleet = await signInFleet({ method: "device-code", authorityHost: sandbox.url, ca: sandbox.caPem, env: {}, tokenCache: false, onDeviceCode: (m) => deviceCodes.push(m) });
});
afterAll(async () => {
  await sandbox?.close();
});

const customer = (i: number) => sandbox.tenants[i] ?? { id: "", initialDomain: "", displayName: "" };

describe("one partner sign-in reaches the customers through GDAP", () => {
  it("signs in once, in the partner tenant, as the partner's admin", () => {
    expect(deviceCodes).toHaveLength(1);
    expect(deviceCodes[0]).toContain("sandboxpartner.onmicrosoft.com");
    expect(fleet.partnerTenantId).toBe(sandbox.partner?.id);
    expect(fleet.account).toBe("admin@sandboxpartner.onmicrosoft.com");
    // The partner tenant is a tenant of its own, not one of the customers.
    expect(sandbox.tenants.map((t) => t.id)).not.toContain(sandbox.partner?.id);
  });

  it("a customer with a relationship: a token for THAT tenant, the relationship's roles, no object of its own there", async () => {
    const c = customer(0);
    const token = await fleet.tenant(c.initialDomain).getToken();
    const claims = claimsOf(token);
    expect(claims["tid"]).toBe(c.id);
    expect(claims["wids"]).toEqual([GDAP_WIDS_INDICATOR, ...DEFAULT_RELATIONSHIP_ROLES]);
    expect(claims["oid"]).toBeUndefined();
    expect(claims["idp"]).toBe(`https://sts.windows.net/${sandbox.partner?.id}/`);
    expect(claims["unique_name"]).toBe("Sandbox Partner Technician");
    // Graph takes it, and the relationship's roles are enough to register an app there.
    const created = await raw.createApplication(token);
    expect(created.status).toBe(201);
    raw.expectApplicationInTenant(c.id, created.appId);
    expect(sandbox.fake.tenant(sandbox.partner?.id ?? "").applicationByAppId(created.appId ?? "")).toBeUndefined();
  });

  it("a customer without one refuses with Entra's AADSTS50020, naming the account, its identity provider and the tenant", async () => {
    const c = customer(1);
    const refused = await fleet.tenant(c.id).getToken().then(() => "issued", (e: unknown) => (e as Error).message);
    expect(refused).toMatch(/^Entra refused the sign-in: AADSTS50020: User account 'admin@sandboxpartner\.onmicrosoft\.com' from identity provider 'https:\/\/sts\.windows\.net\/[0-9a-f-]+\/' does not exist in tenant 'Sandbox 2' and cannot access the application '14d82eec-[^']+'\(Microsoft Graph Command Line Tools\) in that tenant\./);
    expect(refused).not.toMatch(/Trace ID|Correlation ID/);
  });

  it("a weak relationship grants only its roles (Cloud Application Administrator): Graph refuses the Global Reader assignment", async () => {
    const c = customer(2);
    const token = await fleet.tenant(c.initialDomain).getToken();
    expect(claimsOf(token)["wids"]).toEqual([GDAP_WIDS_INDICATOR, ROLE_TEMPLATE.cloudApplicationAdministrator]);
    const tenant = sandbox.fake.tenant(c.id);
    const sp = tenant.servicePrincipals()[0];
    const res = await raw.request("POST", "/v1.0/roleManagement/directory/roleAssignments", {
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ principalId: sp?.id, roleDefinitionId: ROLE_TEMPLATE.globalReader, directoryScopeId: "/" }),
    });
    expect(res.status).toBe(403);
    expect(tenant.roleAssignmentsFor(sp?.id ?? "")).toEqual([]);
  });

  it("an ended relationship is refused at the next token request", async () => {
    const c = customer(0);
    const relationships = sandbox.partner?.relationships;
    const before = relationships?.list().find((r) => r.customerTenantId === c.id);
    expect(relationships?.terminate(c.id)).toBe(true);
    try {
      await expect(fleet.tenant(c.id).getToken()).rejects.toThrow(/AADSTS50020/);
    } finally {
      if (before) relationships?.establish(before);
    }
    expect(claimsOf(await fleet.tenant(c.id).getToken())["tid"]).toBe(c.id);
  });
});

describe("the refresh token grant across tenants, on the wire", () => {
  it("a user of one tenant is unknown in another (AADSTS50020), partner or not", async () => {
    const home = customer(0);
    const start = await raw.post(`/${home.id}/oauth2/v2.0/devicecode`, { client_id: CLIENT, scope: "https://graph.microsoft.com/User.Read offline_access" });
    const tokens = await raw.post(`/${home.id}/oauth2/v2.0/token`, { grant_type: "device_code", client_id: CLIENT, device_code: String(start.json["device_code"]) });
    expect(tokens.status).toBe(200);
    const res = await raw.post(`/${customer(2).id}/oauth2/v2.0/token`, { grant_type: "refresh_token", client_id: CLIENT, refresh_token: String(tokens.json["refresh_token"]), scope: "https://graph.microsoft.com/User.Read" });
    expectAadsts(res, 400, "invalid_grant", 50020);
    expect(String(res.json["error_description"])).toContain(`User account 'admin@${home.initialDomain}'`);
    // At its own tenant the same refresh token still works.
    const own = await raw.post(`/${home.id}/oauth2/v2.0/token`, { grant_type: "refresh_token", client_id: CLIENT, refresh_token: String(tokens.json["refresh_token"]), scope: "https://graph.microsoft.com/User.Read" });
    expect(own.status).toBe(200);
    expect(claimsOf(own.json["access_token"])["tid"]).toBe(home.id);
  });
});
