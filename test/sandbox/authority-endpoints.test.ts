/**
 * The authority's other doors, over HTTP: discovery documents (instance discovery, v1.0 and v2.0 OpenID
 * configuration), the authorization code flow with PKCE driven by hand (what a browser and MSAL's
 * loopback listener do), and Entra's error shape on every error path.
 */
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { claimsOf, expectAadsts, RawClient, scp } from "./raw-client.js";

const CLIENT = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
const REDIRECT = "http://localhost:49152";

let sandbox: Sandbox;
let raw: RawClient;
let tid: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  raw = new RawClient(sandbox);
  tid = sandbox.tenants[0]!.id;
});
afterAll(async () => {
  await sandbox?.close();
});

describe("discovery documents", () => {
  it("instance discovery names the tenant discovery document and the sandbox's host as the only instance", async () => {
    const authorize = encodeURIComponent(`${sandbox.url}/${tid}/oauth2/v2.0/authorize`);
    const res = await raw.get(`/common/discovery/instance?api-version=1.1&authorization_endpoint=${authorize}`);
    const host = new URL(sandbox.url).host;
    expect(res.json).toEqual({
      tenant_discovery_endpoint: `${sandbox.url}/${tid}/v2.0/.well-known/openid-configuration`,
      "api-version": "1.1",
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host, `localhost:${new URL(sandbox.url).port}`] }],
    });
    const other = encodeURIComponent("https://login.microsoftonline.com/common/oauth2/v2.0/authorize");
    expectAadsts(await raw.get(`/common/discovery/instance?api-version=1.1&authorization_endpoint=${other}`), 400, "invalid_instance", 50049);
  });

  it("serves both OpenID configurations with the fields Entra returns, for the tenant's id and domain", async () => {
    const domain = sandbox.tenants[0]!.initialDomain;
    const v2 = await raw.get(`/${domain}/v2.0/.well-known/openid-configuration`);
    expect(v2.json).toMatchObject({
      issuer: `${sandbox.url}/${tid}/v2.0`,
      token_endpoint: `${sandbox.url}/${tid}/oauth2/v2.0/token`,
      authorization_endpoint: `${sandbox.url}/${tid}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${sandbox.url}/${tid}/oauth2/v2.0/devicecode`,
      jwks_uri: `${sandbox.url}/${tid}/discovery/v2.0/keys`,
      msgraph_host: new URL(sandbox.url).host,
      response_modes_supported: ["query", "fragment", "form_post"],
    });
    const v1 = await raw.get(`/${tid}/.well-known/openid-configuration`);
    expect(v1.json).toMatchObject({
      issuer: `https://sts.windows.net/${tid}/`,
      token_endpoint: `${sandbox.url}/${tid}/oauth2/token`,
      authorization_endpoint: `${sandbox.url}/${tid}/oauth2/authorize`,
      device_authorization_endpoint: `${sandbox.url}/${tid}/oauth2/devicecode`,
      microsoft_multi_refresh_token: true,
    });
    const keys = await raw.get(String(v1.json["jwks_uri"]).slice(sandbox.url.length));
    expect((keys.json["keys"] as unknown[]).length).toBe(1);
  });
});

/** RFC 7636: a random verifier and its S256 challenge. */
function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

async function authorize(params: Record<string, string>): Promise<{ page: string; pending: string }> {
  const res = await raw.get(`/${tid}/oauth2/v2.0/authorize?${new URLSearchParams(params).toString()}`);
  expect(res.status, res.text).toBe(200);
  const pending = /name="pending" value="([^"]+)"/.exec(res.text)?.[1];
  expect(pending).toBeDefined();
  return { page: res.text, pending: pending ?? "" };
}

async function decide(pending: string, decision: "accept" | "cancel"): Promise<URL> {
  const res = await raw.post(`/${tid}/oauth2/v2.0/authorize`, { pending, decision });
  expect(res.status, res.text).toBe(302);
  return new URL(res.headers.get("location") ?? "");
}

describe("authorization code flow with PKCE", () => {
  const scope = "https://graph.microsoft.com/Application.ReadWrite.All https://graph.microsoft.com/User.Read openid profile offline_access";

  it("shows tenant, admin and scopes, redirects with code and state, and redeems the code once with the right verifier", async () => {
    const { verifier, challenge } = pkce();
    const { page, pending } = await authorize({ client_id: CLIENT, response_type: "code", redirect_uri: REDIRECT, scope, state: "s-1", code_challenge: challenge, code_challenge_method: "S256", client_info: "1" });
    expect(page).toContain(sandbox.tenants[0]!.initialDomain);
    expect(page).toContain(`admin@${sandbox.tenants[0]!.initialDomain}`);
    expect(page).toContain("<li>Application.ReadWrite.All</li>");
    expect(page).toMatch(/SIMULATED/);
    const back = await decide(pending, "accept");
    expect(back.origin).toBe(REDIRECT);
    expect(back.searchParams.get("state")).toBe("s-1");
    expect(JSON.parse(Buffer.from(back.searchParams.get("client_info") ?? "", "base64url").toString())).toMatchObject({ utid: tid });
    const code = back.searchParams.get("code") ?? "";
    const redeem = (codeVerifier: string) =>
      raw.post(`/${tid}/oauth2/v2.0/token`, { grant_type: "authorization_code", client_id: CLIENT, code, redirect_uri: REDIRECT, code_verifier: codeVerifier, scope });
    expectAadsts(await redeem(pkce().verifier), 400, "invalid_grant", 501481);
    const tok = await redeem(verifier);
    expect(tok.status, tok.text).toBe(200);
    expect(scp(tok.json["access_token"])).toEqual(["Application.ReadWrite.All", "User.Read"]);
    expect(claimsOf(tok.json["access_token"])).toMatchObject({ tid, upn: `admin@${sandbox.tenants[0]!.initialDomain}` });
    expect((await raw.createApplication(String(tok.json["access_token"]))).status).toBe(201);
    expectAadsts(await redeem(verifier), 400, "invalid_grant", 54005);
  });

  it("on the v1.0 endpoint with resource=: Azure CLI's ARM consent, redeemed on /oauth2/token", async () => {
    const { verifier, challenge } = pkce();
    const params = { client_id: "04b07795-8ddb-461a-bbee-02f9e1bf7b46", response_type: "code", redirect_uri: REDIRECT, resource: "https://management.core.windows.net/", code_challenge: challenge, code_challenge_method: "S256" };
    const page = await raw.get(`/${tid}/oauth2/authorize?${new URLSearchParams(params).toString()}`);
    expect(page.text).toContain("<li>user_impersonation</li>");
    const pending = /name="pending" value="([^"]+)"/.exec(page.text)?.[1] ?? "";
    const res = await raw.post(`/${tid}/oauth2/authorize`, { pending, decision: "accept" });
    const code = new URL(res.headers.get("location") ?? "").searchParams.get("code") ?? "";
    const tok = await raw.post(`/${tid}/oauth2/token`, { grant_type: "authorization_code", client_id: params.client_id, code, redirect_uri: REDIRECT, code_verifier: verifier, resource: params.resource });
    expect(tok.json).toMatchObject({ resource: "https://management.core.windows.net/", scope: "user_impersonation", expires_in: "3599" });
    expect(claimsOf(tok.json["access_token"])["aud"]).toBe("https://management.core.windows.net/");
  });

  it("Cancel sends access_denied back to the client", async () => {
    const { pending } = await authorize({ client_id: CLIENT, response_type: "code", redirect_uri: REDIRECT, scope, state: "s-2" });
    const back = await decide(pending, "cancel");
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("error_description")).toMatch(/^AADSTS65004: /);
    expect(back.searchParams.get("state")).toBe("s-2");
  });

  it("sends errors after the reply URL is known back to it, and shows those before it on the page", async () => {
    const bad = await raw.get(`/${tid}/oauth2/v2.0/authorize?${new URLSearchParams({ client_id: CLIENT, response_type: "code", redirect_uri: "https://evil.example/cb", scope })}`);
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/AADSTS50011: /);
    const unknownResource = await raw.get(`/${tid}/oauth2/v2.0/authorize?${new URLSearchParams({ client_id: CLIENT, response_type: "code", redirect_uri: REDIRECT, scope: "https://vault.azure.net/.default", state: "s-3" })}`);
    expect(unknownResource.status).toBe(302);
    const location = new URL(unknownResource.headers.get("location") ?? "");
    expect([location.searchParams.get("error"), location.searchParams.get("state")]).toEqual(["invalid_resource", "s-3"]);
    expect(location.searchParams.get("error_description")).toMatch(/^AADSTS500011: /);
    const unknownTenant = await raw.get(`/no-such-tenant.onmicrosoft.com/oauth2/v2.0/authorize?client_id=${CLIENT}`);
    expect([unknownTenant.status, /AADSTS90002: /.test(unknownTenant.text)]).toEqual([400, true]);
  });
});

describe("errors as Entra gives them", () => {
  it("wrong method, unknown endpoint, unknown tenant, unknown grant, missing parameter", async () => {
    expectAadsts(await raw.get(`/${tid}/oauth2/v2.0/token`), 400, "invalid_request", 900561);
    expectAadsts(await raw.get(`/${tid}/oauth2/v2.0/nothing-here`), 404, "invalid_request", 9002313);
    expectAadsts(await raw.post(`/no-such-tenant.onmicrosoft.com/oauth2/v2.0/token`, { grant_type: "refresh_token" }), 400, "invalid_tenant", 90002);
    expectAadsts(await raw.post(`/${tid}/oauth2/v2.0/token`, { grant_type: "password", client_id: CLIENT }), 400, "unsupported_grant_type", 70003);
    expectAadsts(await raw.post(`/${tid}/oauth2/v2.0/devicecode`, { client_id: CLIENT }), 400, "invalid_request", 900144);
    expectAadsts(await raw.post(`/${tid}/oauth2/v2.0/token`, { grant_type: "authorization_code", client_id: CLIENT, code: "sbx-ac.forged", redirect_uri: REDIRECT }), 400, "invalid_grant", 9002313);
  });

  it("echoes the client's correlation id", async () => {
    const res = await raw.post(`/${tid}/oauth2/v2.0/token`, { grant_type: "refresh_token", client_id: CLIENT, refresh_token: "sbx-rt.forged" }, { "client-request-id": "0f5bca39-214e-43c4-8f69-f17db718101c" });
    expectAadsts(res, 400, "invalid_grant", 9002313);
    expect(res.json["correlation_id"]).toBe("0f5bca39-214e-43c4-8f69-f17db718101c");
  });
});
