/**
 * A sandbox with two tenants: each has its own id, domain, sign-in and data, and a token is bound to
 * the tenant that issued it.
 */
import { DeviceCodeCredential } from "@azure/identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpsFetch } from "../../src/graph/https-fetch.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ tenants: 2 });
});
afterAll(async () => {
  await sandbox?.close();
});

async function organizationId(token: string, path = "/organization"): Promise<{ status: number; ids: string[] }> {
  const res = await httpsFetch({ ca: sandbox.caPem })(`${sandbox.graphUrl}/v1.0${path}`, { method: "GET", headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { value?: { id: string }[]; id?: string };
  return { status: res.status, ids: body.value?.map((o) => o.id) ?? (body.id ? [body.id] : []) };
}

async function signIn(tenant: string): Promise<string> {
  const credential = new DeviceCodeCredential({
    tenantId: tenant,
    clientId: "14d82eec-204b-4c2f-b7e8-296a70dab67e",
    authorityHost: sandbox.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: sandbox.caPem },
    userPromptCallback: () => undefined,
  });
  return (await credential.getToken("https://graph.microsoft.com/User.Read")).token;
}

describe("sandbox with two tenants", () => {
  it("has two distinct tenants with their own domains", () => {
    expect(sandbox.tenants).toHaveLength(2);
    const [a, b] = sandbox.tenants;
    expect(a?.id).not.toBe(b?.id);
    expect(a?.initialDomain).toBe("sandbox1.onmicrosoft.com");
    expect(b?.initialDomain).toBe("sandbox2.onmicrosoft.com");
    expect(sandbox.fake.tenantIds()).toEqual(sandbox.tenants.map((t) => t.id));
  });

  it("routes each token to the tenant that issued it, never to the other one", async () => {
    const [a, b] = sandbox.tenants as [Sandbox["tenants"][number], Sandbox["tenants"][number]];
    // Signing in by domain name works as well as by id.
    const tokenA = await signIn(a.initialDomain);
    const tokenB = await signIn(b.id);
    expect(await organizationId(tokenA)).toEqual({ status: 200, ids: [a.id] });
    expect(await organizationId(tokenB)).toEqual({ status: 200, ids: [b.id] });
    // Asking for B's organization with A's token does not reach B's data.
    const crossed = await organizationId(tokenA, `/organization/${b.id}`);
    expect(crossed.ids).not.toContain(b.id);
    // Objects live in one tenant only: an app seeded in B is invisible with A's token.
    const app = sandbox.fake.tenant(b.id).addApplication({ displayName: "Only-In-B" });
    const filter = `/applications?$filter=${encodeURIComponent("appId eq '" + app.appId + "'")}`;
    expect((await organizationId(tokenB, filter)).ids).toEqual([app.id]);
    expect((await organizationId(tokenA, filter)).ids).toEqual([]);
  });
});
