/**
 * The sandbox end to end: real @azure/identity credentials against the real HTTPS server, trusting
 * only the sandbox CA, and the issued tokens used on the simulated Graph.
 */
import { ClientCertificateCredential, DeviceCodeCredential } from "@azure/identity";
import { X509Certificate, createHash, generateKeyPairSync, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unsignedToken } from "../../src/fake/tokens.js";
import { httpsFetch } from "../../src/graph/https-fetch.js";
import { decodeJwt, signRs256 } from "../../src/sandbox/jwt.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";

const CLIENT_ID = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
const ACCESS_REVIEW_READ_ALL = "d07a8cc0-3d51-4b77-b3b0-32704d1f69fa";
const GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451";
const DAY = 86_400_000;

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/certs/${name}`, import.meta.url), "utf8");
const byoCert = fixture("byo.pem");
const byoKey = fixture("byo.key.pem");
const foreignCert = fixture("foreign.pem");
const foreignKey = fixture("foreign.key.pem");

let sandbox: Sandbox;
const log: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ log: (line) => log.push(line) });
});
afterAll(async () => {
  await sandbox?.close();
});

async function graphGet(path: string, token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const fetch = httpsFetch({ ca: sandbox.caPem });
  const res = await fetch(`${sandbox.graphUrl}/v1.0${path}`, { method: "GET", headers: { authorization: `Bearer ${token}`, accept: "application/json" } });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

function claimsOf(token: string): Record<string, unknown> {
  const payload = decodeJwt(token)?.payload;
  if (!payload) throw new Error("not a JWT");
  return payload;
}

function deviceCodeCredential(tenantId: string, prompts: string[]): DeviceCodeCredential {
  return new DeviceCodeCredential({
    tenantId,
    clientId: CLIENT_ID,
    authorityHost: sandbox.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: sandbox.caPem },
    userPromptCallback: (info) => {
      prompts.push(info.message);
    },
  });
}

function certificateCredential(tenantId: string, appId: string, certPem: string, keyPem: string): ClientCertificateCredential {
  return new ClientCertificateCredential(tenantId, appId, { certificate: `${certPem}\n${keyPem}` }, {
    authorityHost: sandbox.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: sandbox.caPem },
  });
}

/** An app with a Verify keyCredential for `certPem`, its SP, AccessReview.Read.All and Global Reader. */
function seedApp(window: { start: number; end: number }, certPem = byoCert): string {
  const tenant = sandbox.fake.tenant(sandbox.tenants[0]!.id)!;
  const der = new X509Certificate(certPem).raw;
  const app = tenant.addApplication({
    displayName: `Xops-App-${randomUUID().slice(0, 8)}`,
    keyCredentials: [
      {
        customKeyIdentifier: createHash("sha1").update(der).digest("hex").toUpperCase(),
        displayName: "CN=BYO Test",
        startDateTime: new Date(window.start).toISOString(),
        endDateTime: new Date(window.end).toISOString(),
        key: der.toString("base64"),
        keyId: randomUUID(),
        type: "AsymmetricX509Cert",
        usage: "Verify",
      },
    ],
  });
  const sp = tenant.addServicePrincipal({ appId: app.appId });
  const graphSp = tenant.servicePrincipalByAppId(GRAPH_APP_ID)!;
  tenant.addAppRoleAssignment({ principalId: sp.id, resourceId: graphSp.id, appRoleId: ACCESS_REVIEW_READ_ALL });
  tenant.addRoleAssignment({ principalId: sp.id, roleDefinitionId: GLOBAL_READER });
  return app.appId;
}

describe("sandbox: delegated sign-in with DeviceCodeCredential", () => {
  it("signs in the simulated admin, and Graph answers with that tenant", async () => {
    const tenant = sandbox.tenants[0]!;
    const prompts: string[] = [];
    const credential = deviceCodeCredential(tenant.id, prompts);
    const first = await credential.getToken([
      "https://graph.microsoft.com/Application.ReadWrite.All",
      "https://graph.microsoft.com/AppRoleAssignment.ReadWrite.All",
    ]);
    expect(prompts).toHaveLength(1);
    expect(prompts[0]).toMatch(/simulated/i);
    const claims = claimsOf(first.token);
    expect(claims).toMatchObject({ tid: tenant.id, upn: `admin@${tenant.initialDomain}`, aud: "https://graph.microsoft.com" });
    expect(String(claims["scp"]).split(" ")).toEqual(expect.arrayContaining(["Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All"]));

    const org = await graphGet("/organization", first.token);
    expect(org.status).toBe(200);
    expect((org.body["value"] as { id: string }[])[0]?.id).toBe(tenant.id);

    // Another scope comes from the refresh token: no second prompt.
    const second = await credential.getToken("https://graph.microsoft.com/RoleManagement.ReadWrite.Directory");
    expect(prompts).toHaveLength(1);
    expect(claimsOf(second.token)["scp"]).toBe("RoleManagement.ReadWrite.Directory");
    expect(claimsOf(second.token)["oid"]).toBe(claims["oid"]);
  });

  it("lets Graph refuse tokens the sandbox did not sign", async () => {
    const tid = sandbox.tenants[0]!.id;
    const claims = { tid, scp: "Application.ReadWrite.All User.Read", aud: "https://graph.microsoft.com", ver: "1.0", exp: Math.floor(Date.now() / 1000) + 3600 };
    expect((await graphGet("/organization", unsignedToken(claims))).status).toBe(401);
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    expect((await graphGet("/organization", signRs256({ kid: "foreign" }, claims, privateKey))).status).toBe(401);
  });
});

describe("sandbox: app-only sign-in with ClientCertificateCredential", () => {
  const validWindow = () => ({ start: Date.now() - DAY, end: Date.now() + 30 * DAY });

  it("issues a token whose roles and wids reflect the grants in the tenant", async () => {
    const appId = seedApp(validWindow());
    const token = await certificateCredential(sandbox.tenants[0]!.id, appId, byoCert, byoKey).getToken("https://graph.microsoft.com/.default");
    const claims = claimsOf(token.token);
    expect(claims["roles"]).toContain("AccessReview.Read.All");
    expect(claims["wids"]).toContain(GLOBAL_READER);
    expect(claims).toMatchObject({ appid: appId, tid: sandbox.tenants[0]!.id, idtyp: "app" });
    // Graph takes the sandbox-signed app token; Global Reader lets the app read the organization.
    const org = await graphGet("/organization", token.token);
    expect(org.status).toBe(200);
    expect((org.body["value"] as { id: string }[])[0]?.id).toBe(sandbox.tenants[0]!.id);
  });

  it("rejects a certificate the app does not hold with AADSTS700027", async () => {
    const appId = seedApp(validWindow());
    await expect(certificateCredential(sandbox.tenants[0]!.id, appId, foreignCert, foreignKey).getToken("https://graph.microsoft.com/.default")).rejects.toThrow(/AADSTS700027/);
  });

  it("rejects an expired keyCredential", async () => {
    const appId = seedApp({ start: Date.now() - 30 * DAY, end: Date.now() - DAY });
    await expect(certificateCredential(sandbox.tenants[0]!.id, appId, byoCert, byoKey).getToken("https://graph.microsoft.com/.default")).rejects.toThrow(/AADSTS700027/);
  });

  it("rejects an unknown tenant with AADSTS90002", async () => {
    const appId = seedApp(validWindow());
    await expect(certificateCredential(randomUUID(), appId, byoCert, byoKey).getToken("https://graph.microsoft.com/.default")).rejects.toThrow(/AADSTS90002/);
  });
});

describe("sandbox: faults and replication lag", () => {
  async function adminToken(): Promise<string> {
    return (await deviceCodeCredential(sandbox.tenants[0]!.id, []).getToken("https://graph.microsoft.com/Application.ReadWrite.All")).token;
  }

  it("forwards setFaults to Graph (throttling) and logs each request", async () => {
    const token = await adminToken();
    sandbox.setFaults({ throttleRate: 1, retryAfter: "0" });
    try {
      expect((await graphGet("/organization", token)).status).toBe(429);
    } finally {
      sandbox.setFaults({});
    }
    expect((await graphGet("/organization", token)).status).toBe(200);
    expect(log.some((line) => /^GET \/v1\.0\/organization -> 429/.test(line))).toBe(true);
    expect(log.join("\n")).not.toContain(token);
  });

  it("signs an app in only once it has replicated (AADSTS700016 during lag)", async () => {
    const token = await adminToken();
    sandbox.setFaults({ lagMs: 60_000 });
    try {
      const der = new X509Certificate(byoCert).raw;
      const res = await httpsFetch({ ca: sandbox.caPem })(`${sandbox.graphUrl}/v1.0/applications`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({
          displayName: "Lagging-App",
          keyCredentials: [{ type: "AsymmetricX509Cert", usage: "Verify", key: der.toString("base64"), startDateTime: new Date(Date.now() - DAY).toISOString(), endDateTime: new Date(Date.now() + DAY).toISOString() }],
        }),
      });
      expect(res.status).toBe(201);
      const { appId } = (await res.json()) as { appId: string };
      await expect(certificateCredential(sandbox.tenants[0]!.id, appId, byoCert, byoKey).getToken("https://graph.microsoft.com/.default")).rejects.toThrow(/AADSTS700016/);
    } finally {
      sandbox.setFaults({});
    }
  });
});
