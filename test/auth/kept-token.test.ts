/**
 * The fast path's lookup in the MSAL cache JSON: it returns a token only where MSAL's silent flow
 * would return the same one unchanged, and nothing on any doubt (other tenant, account, client,
 * cloud, scopes, a token due for renewal, two candidates, a PoP token, a damaged file).
 */
import { describe, expect, it } from "vitest";
import { findKeptAccessToken, RENEWAL_MARGIN_SECONDS, type KeptTokenQuery } from "../../src/auth/kept-token.js";

const NOW = 1_800_000_000;
const TENANT = "8a37a2bc-ae99-593f-bce5-7716dd065399";
const OTHER_TENANT = "affa9924-6979-56b3-9080-214075691f1f";
const CLIENT = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
const HOME = `a994be49-7276-5c86-86e5-73add3801e54.${TENANT}`;
const ENV = "login.microsoftonline.com";
const SCOPES = ["https://graph.microsoft.com/Application.ReadWrite.All", "https://graph.microsoft.com/User.Read", "openid", "offline_access"];

const record = JSON.stringify({ authority: ENV, homeAccountId: HOME, tenantId: TENANT, username: "admin@contoso.onmicrosoft.com", clientId: CLIENT, version: "1.0" });
const query = (over: Partial<KeptTokenQuery> = {}): KeptTokenQuery => ({ record, clientId: CLIENT, scopes: SCOPES, nowSeconds: NOW, ...over });

/** A compact JWT (unsigned: the lookup never verifies, it only cross-checks tid and exp). */
function jwt(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${part({ alg: "none" })}.${part(claims)}.sig`;
}

function accessToken(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    home_account_id: HOME,
    environment: ENV,
    credential_type: "AccessToken",
    client_id: CLIENT,
    secret: jwt({ tid: TENANT, exp: NOW + 3600 }),
    realm: TENANT,
    target: "https://graph.microsoft.com/Application.ReadWrite.All https://graph.microsoft.com/User.Read profile openid",
    cached_at: String(NOW - 60),
    expires_on: String(NOW + 3600),
    extended_expires_on: String(NOW + 7200),
    token_type: "Bearer",
    ...over,
  };
}

const cacheOf = (...tokens: Record<string, unknown>[]) =>
  JSON.stringify({ Account: {}, AccessToken: Object.fromEntries(tokens.map((t, i) => [`key-${i}`, t])), RefreshToken: {}, IdToken: {}, AppMetadata: {} });

describe("findKeptAccessToken", () => {
  it("returns the one fresh token of the record's account, with the time MSAL would renew it", () => {
    const entry = accessToken();
    const kept = findKeptAccessToken(cacheOf(entry), query());
    expect(kept).toEqual({ token: entry["secret"], renewAt: NOW + 3600 - RENEWAL_MARGIN_SECONDS });
  });

  it("matches ids, cloud and scopes case-insensitively, as MSAL does", () => {
    const entry = accessToken({ environment: ENV.toUpperCase(), realm: TENANT.toUpperCase(), target: "HTTPS://GRAPH.MICROSOFT.COM/application.readwrite.all https://graph.microsoft.com/user.read" });
    expect(findKeptAccessToken(cacheOf(entry), query())?.token).toBe(entry["secret"]);
  });

  it("ignores tokens of another tenant, account, client or cloud", () => {
    for (const other of [{ realm: OTHER_TENANT }, { home_account_id: `x.${TENANT}` }, { client_id: "04b07795-8ddb-461a-bbee-02f9e1bf7b46" }, { environment: "login.microsoftonline.us" }]) {
      expect(findKeptAccessToken(cacheOf(accessToken(other)), query()), JSON.stringify(other)).toBeUndefined();
    }
  });

  it("refuses a token whose own tid names another tenant than its cache entry", () => {
    expect(findKeptAccessToken(cacheOf(accessToken({ secret: jwt({ tid: OTHER_TENANT, exp: NOW + 3600 }) })), query())).toBeUndefined();
  });

  it("needs every requested scope (OIDC scopes aside)", () => {
    const fewer = accessToken({ target: "https://graph.microsoft.com/User.Read openid profile" });
    expect(findKeptAccessToken(cacheOf(fewer), query())).toBeUndefined();
    expect(findKeptAccessToken(cacheOf(fewer), query({ scopes: ["https://graph.microsoft.com/User.Read", "openid"] }))?.token).toBe(fewer["secret"]);
    expect(findKeptAccessToken(cacheOf(fewer), query({ scopes: ["openid", "profile"] }))).toBeUndefined();
  });

  it("leaves a token that is due for renewal, or expired, to MSAL", () => {
    const due = NOW + RENEWAL_MARGIN_SECONDS;
    expect(findKeptAccessToken(cacheOf(accessToken({ expires_on: String(due) })), query())).toBeUndefined();
    expect(findKeptAccessToken(cacheOf(accessToken({ expires_on: String(due + 1) })), query())?.renewAt).toBe(NOW + 1);
    expect(findKeptAccessToken(cacheOf(accessToken({ expires_on: "1000" })), query())).toBeUndefined();
    // The JWT's own exp counts too, should the entry claim longer.
    expect(findKeptAccessToken(cacheOf(accessToken({ secret: jwt({ tid: TENANT, exp: NOW + 10 }) })), query())).toBeUndefined();
  });

  it("leaves a token past its refresh_on, or cached 'in the future' (a clock turned back), to MSAL", () => {
    expect(findKeptAccessToken(cacheOf(accessToken({ refresh_on: String(NOW - 1) })), query())).toBeUndefined();
    expect(findKeptAccessToken(cacheOf(accessToken({ refresh_on: "soon" })), query())).toBeUndefined();
    expect(findKeptAccessToken(cacheOf(accessToken({ refresh_on: String(NOW + 600) })), query())).toBeDefined();
    expect(findKeptAccessToken(cacheOf(accessToken({ cached_at: String(NOW + 600) })), query())).toBeUndefined();
  });

  it("returns nothing when two tokens fit (MSAL drops both and refreshes)", () => {
    const a = accessToken();
    const b = accessToken({ secret: jwt({ tid: TENANT, exp: NOW + 3000 }), expires_on: String(NOW + 3000) });
    expect(findKeptAccessToken(cacheOf(a, b), query())).toBeUndefined();
  });

  it("ignores proof-of-possession and other non-bearer tokens", () => {
    expect(findKeptAccessToken(cacheOf(accessToken({ credential_type: "AccessToken_With_AuthScheme", token_type: "pop" })), query())).toBeUndefined();
    expect(findKeptAccessToken(cacheOf(accessToken({ token_type: "pop" })), query())).toBeUndefined();
  });

  it("returns nothing for a damaged cache, a record of another client, or an unreadable record", () => {
    for (const json of ["", "{", "[]", JSON.stringify({ AccessToken: [] }), JSON.stringify({ AccessToken: { k: "text" } })]) {
      expect(findKeptAccessToken(json, query()), json).toBeUndefined();
    }
    expect(findKeptAccessToken(cacheOf(accessToken({ expires_on: "later" })), query())).toBeUndefined();
    expect(findKeptAccessToken(cacheOf(accessToken({ secret: "" })), query())).toBeUndefined();
    expect(findKeptAccessToken(cacheOf(accessToken()), query({ clientId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46" }))).toBeUndefined();
    expect(findKeptAccessToken(cacheOf(accessToken()), query({ record: "{}" }))).toBeUndefined();
    expect(findKeptAccessToken(cacheOf(accessToken()), query({ record: "not json" }))).toBeUndefined();
  });
});
