/**
 * The authority's checks, driven directly (no network): client assertions signed here with node:crypto
 * in both forms Entra accepts (RS256 + x5t, PS256 + x5t#S256) and in the ways they go wrong.
 */
import { X509Certificate, constants, createHash, createPrivateKey, randomUUID, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { SandboxAuthority } from "../../src/sandbox/authority.js";
import type { Directory, DirectoryKeyCredential, DirectoryServicePrincipal, DirectoryTenant } from "../../src/sandbox/directory.js";
import { decodeJwt } from "../../src/sandbox/jwt.js";
import { realClock } from "../../src/shared/clock.js";

const URL_ = "https://127.0.0.1:4443";
const TID = "11111111-2222-4333-8444-555555555555";
const APP_ID = "aaaaaaaa-0000-4000-8000-000000000001";
const SP_ID = "bbbbbbbb-0000-4000-8000-000000000001";
const GRAPH_SP = { id: "graph-sp", appId: "00000003-0000-0000-c000-000000000000", appRoles: [{ id: "d07a8cc0-3d51-4b77-b3b0-32704d1f69fa", value: "AccessReview.Read.All" }] };
const GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451";

const certPem = readFileSync(new URL("../../fixtures/certs/byo.pem", import.meta.url), "utf8");
const keyPem = readFileSync(new URL("../../fixtures/certs/byo.key.pem", import.meta.url), "utf8");
const foreignCertPem = readFileSync(new URL("../../fixtures/certs/foreign.pem", import.meta.url), "utf8");
const foreignKeyPem = readFileSync(new URL("../../fixtures/certs/foreign.key.pem", import.meta.url), "utf8");

function derBase64(pem: string): string {
  return new X509Certificate(pem).raw.toString("base64");
}

function memoryTenant(keys: DirectoryKeyCredential[]): DirectoryTenant {
  const sps: DirectoryServicePrincipal[] = [GRAPH_SP, { id: SP_ID, appId: APP_ID, appRoles: [] }];
  return {
    id: TID,
    initialDomain: "contoso.onmicrosoft.com",
    displayName: "Contoso",
    applicationKeyCredentials: (appId) => (appId === APP_ID ? keys : undefined),
    servicePrincipalByAppId: (appId) => sps.find((s) => s.appId === appId),
    servicePrincipalById: (id) => sps.find((s) => s.id === id),
    appRoleAssignmentsFor: (spId) => (spId === SP_ID ? [{ appRoleId: GRAPH_SP.appRoles[0]!.id, resourceId: GRAPH_SP.id }] : []),
    directoryRoleTemplateIdsFor: (id) => (id === SP_ID ? [GLOBAL_READER] : []),
  };
}

interface AssertionOptions {
  alg?: "RS256" | "PS256";
  cert?: string;
  key?: string;
  aud?: string;
  iss?: string;
  sub?: string;
  expOffset?: number;
}

function assertion(o: AssertionOptions = {}): string {
  const alg = o.alg ?? "RS256";
  const der = new X509Certificate(o.cert ?? certPem).raw;
  const header =
    alg === "RS256"
      ? { alg, typ: "JWT", x5t: createHash("sha1").update(der).digest("base64url") }
      : { alg, typ: "JWT", "x5t#S256": createHash("sha256").update(der).digest("base64url") };
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    aud: o.aud ?? `${URL_}/${TID}/oauth2/v2.0/token`,
    iss: o.iss ?? APP_ID,
    sub: o.sub ?? o.iss ?? APP_ID,
    jti: randomUUID(),
    nbf: now,
    iat: now,
    exp: now + (o.expOffset ?? 600),
  };
  const input = `${Buffer.from(JSON.stringify(header)).toString("base64url")}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}`;
  const key = createPrivateKey(o.key ?? keyPem);
  const sig =
    alg === "RS256"
      ? sign("sha256", Buffer.from(input), key)
      : sign("sha256", Buffer.from(input), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
  return `${input}.${sig.toString("base64url")}`;
}

function tokenRequest(authority: SandboxAuthority, params: Record<string, string>, tenant = TID) {
  const body = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: APP_ID,
    scope: "https://graph.microsoft.com/.default",
    client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    ...params,
  }).toString();
  const res = authority.handle({ method: "POST", path: `/${tenant}/oauth2/v2.0/token`, body, headers: {} });
  if (!res) throw new Error("no route");
  return res as { status: number; body: Record<string, unknown> };
}

function aadsts(res: { body: Record<string, unknown> }): number | undefined {
  return (res.body["error_codes"] as number[] | undefined)?.[0];
}

const now = Date.now();
const validWindow = { startDateTime: new Date(now - 86_400_000).toISOString(), endDateTime: new Date(now + 86_400_000).toISOString() };

describe("sandbox authority: certificate client credentials", () => {
  let authority: SandboxAuthority;
  let keys: DirectoryKeyCredential[];

  beforeAll(() => {
    keys = [{ key: derBase64(certPem), usage: "Verify", type: "AsymmetricX509Cert", ...validWindow }];
    const tenant = memoryTenant(keys);
    const directory: Directory = { tenants: () => [tenant] };
    authority = new SandboxAuthority({ url: URL_, directory, clock: realClock() });
  });

  it.each(["RS256", "PS256"] as const)("issues an app token for a %s assertion with roles and wids from the tenant", (alg) => {
    const res = tokenRequest(authority, { client_assertion: assertion({ alg }) });
    expect(res.status).toBe(200);
    const token = res.body["access_token"] as string;
    const claims = decodeJwt(token)?.payload;
    expect(claims).toMatchObject({ aud: "https://graph.microsoft.com", tid: TID, appid: APP_ID, oid: SP_ID, idtyp: "app", roles: ["AccessReview.Read.All"], wids: [GLOBAL_READER] });
    expect(authority.verifyAccessToken(token, "https://graph.microsoft.com")).toMatchObject({ tid: TID, roles: ["AccessReview.Read.All"] });
    // The same token is not good for another resource.
    expect(authority.verifyAccessToken(token, "https://outlook.office365.com")).toBeUndefined();
  });

  it("accepts the key uploaded as base64 of the PEM text, and the domain name in place of the tenant id", () => {
    keys.push({ key: Buffer.from(foreignCertPem).toString("base64"), usage: "Verify", type: "AsymmetricX509Cert", ...validWindow });
    try {
      const aud = `${URL_}/contoso.onmicrosoft.com/oauth2/v2.0/token`;
      const res = tokenRequest(authority, { client_assertion: assertion({ cert: foreignCertPem, key: foreignKeyPem, aud }) }, "contoso.onmicrosoft.com");
      expect(res.status).toBe(200);
    } finally {
      keys.pop();
    }
  });

  it("rejects a certificate the app does not hold (AADSTS700027)", () => {
    const res = tokenRequest(authority, { client_assertion: assertion({ cert: foreignCertPem, key: foreignKeyPem }) });
    expect(res.status).toBe(401);
    expect(res.body["error"]).toBe("invalid_client");
    expect(aadsts(res)).toBe(700027);
    // Entra puts trace id, correlation id and timestamp on lines of their own (CRLF).
    expect(res.body["error_description"]).toMatch(/^AADSTS700027: [^\r\n]+\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  });

  it("rejects a registered thumbprint signed with another key (AADSTS700027)", () => {
    const res = tokenRequest(authority, { client_assertion: assertion({ key: foreignKeyPem }) });
    expect(res.status).toBe(401);
    expect(aadsts(res)).toBe(700027);
    expect(res.body["error_description"]).toMatch(/signature validation/);
  });

  it("rejects a tampered payload (AADSTS700027)", () => {
    const [h, p, s] = assertion().split(".") as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, "base64url").toString()) as Record<string, unknown>;
    payload["exp"] = (payload["exp"] as number) + 86_400;
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${s}`;
    expect(aadsts(tokenRequest(authority, { client_assertion: forged }))).toBe(700027);
  });

  it("rejects an expired keyCredential even with the right key", () => {
    const saved = keys.splice(0, keys.length, {
      key: derBase64(certPem),
      usage: "Verify",
      type: "AsymmetricX509Cert",
      startDateTime: new Date(now - 10 * 86_400_000).toISOString(),
      endDateTime: new Date(now - 86_400_000).toISOString(),
    });
    try {
      const res = tokenRequest(authority, { client_assertion: assertion() });
      expect(aadsts(res)).toBe(700027);
      expect(res.body["error_description"]).toMatch(/expired/);
    } finally {
      keys.splice(0, keys.length, ...saved);
    }
  });

  it("checks audience, issuer/subject and lifetime", () => {
    expect(aadsts(tokenRequest(authority, { client_assertion: assertion({ aud: "https://login.microsoftonline.com/x/oauth2/v2.0/token" }) }))).toBe(700023);
    expect(aadsts(tokenRequest(authority, { client_assertion: assertion({ iss: randomUUID() }) }))).toBe(700021);
    expect(aadsts(tokenRequest(authority, { client_assertion: assertion({ sub: "someone-else" }) }))).toBe(50048);
    expect(aadsts(tokenRequest(authority, { client_assertion: assertion({ expOffset: -3600 }) }))).toBe(700024);
    expect(aadsts(tokenRequest(authority, { client_assertion: "not-a-jwt" }))).toBe(50027);
  });

  it("maps unknown app, bad scope, unknown resource and unknown tenant to their AADSTS codes", () => {
    const unknownApp = tokenRequest(authority, { client_id: randomUUID(), client_assertion: assertion() });
    expect([unknownApp.status, unknownApp.body["error"], aadsts(unknownApp)]).toEqual([400, "unauthorized_client", 700016]);
    const scope = tokenRequest(authority, { client_assertion: assertion(), scope: "https://graph.microsoft.com/User.Read.All" });
    expect([scope.status, scope.body["error"], aadsts(scope)]).toEqual([400, "invalid_scope", 1002012]);
    const exchange = tokenRequest(authority, { client_assertion: assertion(), scope: "https://outlook.office365.com/.default" });
    expect(aadsts(exchange)).toBe(500011); // this tenant has no Exchange service principal
    const tenant = tokenRequest(authority, { client_assertion: assertion() }, randomUUID());
    expect([tenant.status, aadsts(tenant)]).toEqual([400, 90002]);
  });

  it("never accepts alg none, neither as a client assertion nor as an access token", () => {
    const [, p] = assertion().split(".") as [string, string, string];
    const x5t = createHash("sha1").update(new X509Certificate(certPem).raw).digest("base64url");
    const noneAssertion = `${Buffer.from(JSON.stringify({ alg: "none", x5t })).toString("base64url")}.${p}.`;
    expect(aadsts(tokenRequest(authority, { client_assertion: noneAssertion }))).toBe(700027);
    const noneToken = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify({ tid: TID, ver: "1.0", exp: 9e9 })).toString("base64url")}.`;
    expect(authority.verifyAccessToken(noneToken)).toBeUndefined();
  });
});

describe("sandbox authority: device code and refresh token", () => {
  const clientId = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
  function post(authority: SandboxAuthority, endpoint: string, params: Record<string, string>) {
    const res = authority.handle({ method: "POST", path: `/${TID}/oauth2/v2.0/${endpoint}`, body: new URLSearchParams(params).toString(), headers: {} });
    return res as { status: number; body: Record<string, unknown> };
  }

  it.each([false, true])("signs in the simulated admin at once (lacks PRA: %s); id tokens are not access tokens", (lacksPra) => {
    const authority = new SandboxAuthority({ url: URL_, directory: { tenants: () => [memoryTenant([])] }, clock: realClock(), adminLacksPrivilegedRoleAdmin: lacksPra });
    const scope = "https://graph.microsoft.com/Application.ReadWrite.All https://graph.microsoft.com/User.Read openid profile offline_access";
    const dc = post(authority, "devicecode", { client_id: clientId, scope });
    expect(dc.status).toBe(200);
    expect(dc.body["message"]).toMatch(/simulated/i);
    const tok = post(authority, "token", { grant_type: "urn:ietf:params:oauth:grant-type:device_code", client_id: clientId, device_code: dc.body["device_code"] as string, scope });
    expect(tok.status).toBe(200);
    const claims = authority.verifyAccessToken(tok.body["access_token"] as string, "https://graph.microsoft.com");
    expect(claims?.scp).toBe("Application.ReadWrite.All User.Read");
    expect(claims?.wids?.includes("e8611ab8-c189-46e8-94e1-60213ab1f814")).toBe(!lacksPra);
    expect(claims?.wids).toContain("158c047a-c907-4556-b7ef-446551a6b5f7");
    expect(decodeJwt(tok.body["access_token"] as string)?.payload["upn"]).toBe("admin@contoso.onmicrosoft.com");
    expect(authority.verifyAccessToken(tok.body["id_token"] as string)).toBeUndefined();
    // The device code is single-use; the refresh token gets a token for another resource.
    const again = post(authority, "token", { grant_type: "urn:ietf:params:oauth:grant-type:device_code", client_id: clientId, device_code: dc.body["device_code"] as string, scope });
    expect(again.body["error"]).toBe("invalid_grant");
    const rt = post(authority, "token", { grant_type: "refresh_token", client_id: clientId, refresh_token: tok.body["refresh_token"] as string, scope: "https://outlook.office365.com/.default openid" });
    expect(rt.status).toBe(200);
    expect(authority.verifyAccessToken(rt.body["access_token"] as string, "https://outlook.office365.com")?.oid).toBe(claims?.oid);
    const bad = post(authority, "token", { grant_type: "refresh_token", client_id: clientId, refresh_token: "sbx-rt.forged", scope });
    expect([bad.status, bad.body["error"]]).toEqual([400, "invalid_grant"]);
  });
});
