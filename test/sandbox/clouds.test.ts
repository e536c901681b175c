/**
 * Each cloud's endpoints, through the real @azure/identity against a sandbox playing that cloud: the
 * delegated scopes name the cloud's Graph (the token's audience says which), the discovery documents
 * name the cloud, an app-only token is asked for the cloud's Exchange resource, and a sign-in for
 * another cloud's Graph is refused, as Entra refuses tokens across clouds.
 */
import { ClientCertificateCredential } from "@azure/identity";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorityHostFor, delegatedScopes } from "../../src/auth/sign-in.js";
import { connect } from "../../src/connect.js";
import { CLOUD_NAMES, CLOUDS, tokenResource, type CloudName } from "../../src/core/clouds.js";
import { apply } from "../../src/core/pipeline.js";
import { reads } from "../../src/core/requests.js";
import { EXCHANGE_APP_ID, EXCHANGE_ONLINE_PROTECTION_APP_ID, GRAPH_APP_ID } from "../../src/core/well-known.js";
import { checkGraphDestination } from "../../src/graph/destination.js";
import { httpsFetch } from "../../src/graph/https-fetch.js";
import { decodeJwt } from "../../src/sandbox/jwt.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const sandboxes = new Map<CloudName, Sandbox>();
let out: string;

beforeAll(async () => {
  for (const cloud of CLOUD_NAMES) sandboxes.set(cloud, await startSandbox({ cloud }));
  out = await mkdtemp(join(tmpdir(), "eo-clouds-"));
});
afterAll(async () => {
  await Promise.all([...sandboxes.values()].map((s) => s.close()));
  await rm(out, { recursive: true, force: true });
});

function claimsOf(token: string): Record<string, unknown> {
  const payload = decodeJwt(token)?.payload;
  if (!payload) throw new Error("not a JWT");
  return payload;
}

function signInTo(sandbox: Sandbox, cloud: CloudName) {
  return connect({ method: "device-code", cloud, tenant: sandbox.tenants[0]!.id, graphUrl: sandbox.graphUrl, authorityHost: sandbox.authorityHost, ca: sandbox.caPem, env: {}, tokenCache: false, onDeviceCode: () => undefined, simulated: true });
}

describe("the clouds table", () => {
  it("names each cloud's authority, Graph and Exchange Online as Microsoft documents them", () => {
    expect(Object.fromEntries(CLOUD_NAMES.map((c) => [c, [CLOUDS[c].authority, CLOUDS[c].graph, CLOUDS[c].exchange]]))).toEqual({
      global: ["https://login.microsoftonline.com", "https://graph.microsoft.com", "https://outlook.office365.com"],
      usgov: ["https://login.microsoftonline.us", "https://graph.microsoft.us", "https://outlook.office365.us"],
      usgovdod: ["https://login.microsoftonline.us", "https://dod-graph.microsoft.us", "https://webmail.apps.mil"],
      china: ["https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn", "https://partner.outlook.cn"],
    });
    // What sign-in and the Graph door make of it.
    expect(authorityHostFor("usgov", undefined)).toBe("https://login.microsoftonline.us");
    expect(authorityHostFor("china", "https://127.0.0.1:1")).toBe("https://127.0.0.1:1");
    expect(delegatedScopes("usgovdod")).toContain("https://dod-graph.microsoft.us/Application.ReadWrite.All");
    for (const cloud of CLOUD_NAMES) expect(checkGraphDestination(CLOUDS[cloud].graph, "--graph-url").kind).toBe("microsoft");
    expect(tokenResource(CLOUDS.usgov, EXCHANGE_ONLINE_PROTECTION_APP_ID)).toBe(EXCHANGE_ONLINE_PROTECTION_APP_ID);
  });
});

describe.each(CLOUD_NAMES)("a sandbox playing %s", (cloud) => {
  it("signs the admin in for the cloud's own Graph (the token's audience) and serves Graph with it", async () => {
    const sandbox = sandboxes.get(cloud)!;
    const session = await signInTo(sandbox, cloud);
    expect(session.cloud).toBe(cloud);
    expect(session.claims?.aud).toBe(CLOUDS[cloud].graph);
    expect(session.claims?.scp).toMatch(/Application\.ReadWrite\.All/);
    const org = await session.graph.send(reads.organization());
    expect(org.status).toBe(200);
  });

  it("names the cloud in its discovery documents", async () => {
    const sandbox = sandboxes.get(cloud)!;
    const fetch = httpsFetch({ ca: sandbox.caPem });
    const authorize = `${sandbox.authorityHost}/${sandbox.tenants[0]!.id}/oauth2/v2.0/authorize`;
    const res = await fetch(`${sandbox.authorityHost}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(authorize)}`, { method: "GET", headers: {} });
    const config = await fetch(`${sandbox.authorityHost}/${sandbox.tenants[0]!.id}/v2.0/.well-known/openid-configuration`, { method: "GET", headers: {} });
    expect(res.status).toBe(200);
    const doc = (await config.json()) as Record<string, unknown>;
    const graphHost = new URL(CLOUDS[cloud].graph).hostname;
    if (cloud === "global") expect(doc["msgraph_host"]).toBe(new URL(sandbox.url).host);
    else expect(doc["msgraph_host"]).toBe(graphHost);
    expect(sandbox.tenants[0]!.initialDomain).toMatch(cloud === "china" ? /\.partner\.onmschina\.cn$/ : cloud === "global" ? /\.onmicrosoft\.com$/ : /\.onmicrosoft\.us$/);
  });

  it("refuses a sign-in for another cloud's Graph (tokens do not cross clouds)", async () => {
    const sandbox = sandboxes.get(cloud)!;
    const other: CloudName = cloud === "usgov" ? "china" : "usgov";
    await expect(signInTo(sandbox, other)).rejects.toThrow();
  });
});

describe("app-only tokens for the cloud's Exchange resource", () => {
  for (const cloud of ["china", "usgov"] as const) {
    it(`${cloud}: the onboarded app gets a token whose audience is the cloud's resource, carrying Exchange.ManageAsApp`, async () => {
      const sandbox = sandboxes.get(cloud)!;
      const session = await signInTo(sandbox, cloud);
      const dir = await mkdtemp(join(out, `${cloud}-`));
      const profile = join(dir, "profile.yaml");
      const exchange = cloud === "china" ? "Office 365 Exchange Online" : "Microsoft Exchange Online Protection";
      await writeFile(profile, `name: p\npermissions:\n  - ${exchange} / Exchange.ManageAsApp\n  - Microsoft Graph / AccessReview.Read.All\nroles:\n  - Global Reader\n`);
      const result = await apply(session, { outDir: dir, profile });
      const credential = new ClientCertificateCredential(
        sandbox.tenants[0]!.id,
        result.connection.appId,
        { certificate: `${readFileSync(join(dir, "certificate.pem"), "utf8").trim()}\n${readFileSync(join(dir, "private-key.pem"), "utf8").trim()}\n` },
        { authorityHost: sandbox.authorityHost, disableInstanceDiscovery: true, tlsOptions: { ca: sandbox.caPem } },
      );
      const resource = tokenResource(CLOUDS[cloud], cloud === "china" ? EXCHANGE_APP_ID : EXCHANGE_ONLINE_PROTECTION_APP_ID);
      const token = await credential.getToken(`${resource}/.default`);
      const claims = claimsOf(token!.token);
      expect(claims["aud"]).toBe(cloud === "china" ? "https://partner.outlook.cn" : EXCHANGE_ONLINE_PROTECTION_APP_ID);
      expect(claims["roles"]).toEqual(["Exchange.ManageAsApp"]);
      const graphToken = claimsOf((await credential.getToken(`${tokenResource(CLOUDS[cloud], GRAPH_APP_ID)}/.default`))!.token);
      expect(graphToken["aud"]).toBe(CLOUDS[cloud].graph);
      // The global cloud's Exchange resource does not exist in this cloud.
      await expect(credential.getToken("https://outlook.office365.com/.default")).rejects.toThrow(/AADSTS500011/);
    });
  }
});
