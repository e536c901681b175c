/**
 * The authorization code flow with PKCE, as public clients (MSAL's interactive sign-in) use it
 * ("Microsoft identity platform and OAuth 2.0 authorization code flow"; RFC 6749 §4.1; RFC 7636):
 * GET /authorize shows a consent page, Accept redirects to the client's loopback reply URL with
 * `code` and `state`, and the token endpoint redeems the code once, with the `code_verifier` that
 * matches the `code_challenge`.
 */
import { createHash, randomUUID } from "node:crypto";
import type { FakeResponse } from "../fake/types.js";
import { AadstsFailure, describeFailure, fail } from "./aadsts.js";
import { consentPage, errorPage, formPostPage } from "./authorize-page.js";
import { firstPartyClient } from "./consent.js";
import { requestedScope, requireParam, type DelegatedContext, type EndpointVersion, type Redemption } from "./delegated-grants.js";
import type { DirectoryTenant } from "./directory.js";
import { adminRolesText, sandboxAdmin } from "./identities.js";
import { base64urlJson } from "./jwt.js";
import { parseScopes } from "./resources.js";
import { newOpaqueToken } from "./tokens.js";

/** "Authorization codes are short lived, typically expiring after about 10 minutes." */
const CODE_LIFETIME_MS = 10 * 60_000;

interface AuthorizeState {
  tenantId: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  version: EndpointVersion;
  state?: string | undefined;
  nonce?: string | undefined;
  challenge?: { value: string; method: "S256" | "plain" } | undefined;
  formPost: boolean;
  clientInfo: boolean;
  expiresAtMs: number;
}

interface CodeState extends AuthorizeState {
  redeemed: boolean;
}

export class AuthorizationCodes {
  private readonly pending = new Map<string, AuthorizeState>();
  private readonly codes = new Map<string, CodeState>();

  /** GET /authorize: the consent page, or an error (on the page when the reply URL is not trustworthy). */
  authorize(tenant: DirectoryTenant, query: URLSearchParams, path: string, version: EndpointVersion, ctx: DelegatedContext): FakeResponse {
    let request: AuthorizeState;
    try {
      const clientId = requireParam(query, "client_id");
      request = { tenantId: tenant.id, clientId, redirectUri: checkedRedirectUri(query.get("redirect_uri"), clientId), scope: "", version, formPost: false, clientInfo: false, expiresAtMs: ctx.nowMs + CODE_LIFETIME_MS };
    } catch (err) {
      return failurePage(err, ctx.nowMs);
    }
    request.state = query.get("state") ?? undefined;
    try {
      if (query.get("response_type") !== "code") {
        fail(400, "unsupported_response_type", 70005, `response_type '${query.get("response_type") ?? ""}' is not enabled for the application.`);
      }
      request.scope = requestedScope(query, version);
      request.nonce = query.get("nonce") ?? undefined;
      const mode = query.get("response_mode") ?? "query";
      if (mode !== "query" && mode !== "form_post") fail(400, "invalid_request", 70007, `The response_mode '${mode}' is not supported for this request: use query or form_post.`);
      request.formPost = mode === "form_post";
      request.clientInfo = query.get("client_info") === "1";
      request.challenge = pkceChallenge(query);
      const scopes = parseScopes(request.scope, ctx.catalogue, tenant.initialDomain);
      const pendingId = randomUUID();
      this.pending.set(pendingId, request);
      const admin = sandboxAdmin(tenant, ctx.adminLacksPrivilegedRoleAdmin);
      return consentPage({
        action: path,
        pendingId,
        tenant,
        admin: { upn: admin.upn, roles: adminRolesText(ctx.adminLacksPrivilegedRoleAdmin) },
        client: { id: request.clientId, name: firstPartyClient(request.clientId)?.displayName },
        resourceName: scopes.resource.displayName,
        scopes: ctx.consents.preview({ tenantId: tenant.id, clientId: request.clientId, request: scopes, interactive: true }),
        redirectUri: request.redirectUri,
      });
    } catch (err) {
      return redirectError(request, err, ctx.nowMs);
    }
  }

  /** POST /authorize from the consent page: Accept consents and redirects with a code; Cancel with access_denied. */
  decide(tenant: DirectoryTenant, form: URLSearchParams, ctx: DelegatedContext): FakeResponse {
    const id = form.get("pending") ?? "";
    const request = this.pending.get(id);
    if (!request || request.tenantId !== tenant.id || ctx.nowMs > request.expiresAtMs) {
      return errorPage(400, "AADSTS90100: This sign-in request is unknown or has expired. Start the sign-in again from the application.");
    }
    this.pending.delete(id);
    if (form.get("decision") !== "accept") {
      return redirect(request, { error: "access_denied", error_subcode: "cancel", error_description: "AADSTS65004: User declined to consent to access the app." });
    }
    try {
      const scopes = parseScopes(request.scope, ctx.catalogue, tenant.initialDomain);
      ctx.consents.grant({ tenantId: tenant.id, clientId: request.clientId, request: scopes, interactive: true });
    } catch (err) {
      return redirectError(request, err, ctx.nowMs);
    }
    const code = newOpaqueToken("sbx-ac");
    this.codes.set(code, { ...request, expiresAtMs: ctx.nowMs + CODE_LIFETIME_MS, redeemed: false });
    const admin = sandboxAdmin(tenant, ctx.adminLacksPrivilegedRoleAdmin);
    return redirect(request, {
      code,
      ...(request.clientInfo ? { client_info: base64urlJson({ uid: admin.oid, utid: tenant.id }) } : {}),
      session_state: randomUUID(),
    });
  }

  /** grant_type=authorization_code: checks the code, reply URL and PKCE verifier; single use. */
  redeem(tenant: DirectoryTenant, form: URLSearchParams, version: EndpointVersion, nowMs: number): Redemption {
    const clientId = requireParam(form, "client_id");
    const code = requireParam(form, "code");
    const state = this.codes.get(code) ?? fail(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.");
    if (state.tenantId !== tenant.id) fail(400, "invalid_grant", 700005, "Provided Authorization Code is intended to use against other tenant, thus rejected.");
    if (state.redeemed) fail(400, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.");
    if (nowMs > state.expiresAtMs) fail(400, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.");
    if (state.clientId !== clientId) fail(400, "invalid_grant", 70000, "The provided value for the 'code' parameter is not valid: it was issued to another client.");
    if (form.get("redirect_uri") !== state.redirectUri) {
      fail(400, "invalid_grant", 70000, `The provided value for the 'redirect_uri' parameter does not match the redirect URI of the authorization request ('${state.redirectUri}').`);
    }
    if (state.challenge) {
      const verifier = requireParam(form, "code_verifier");
      const computed = state.challenge.method === "S256" ? createHash("sha256").update(verifier).digest("base64url") : verifier;
      if (computed !== state.challenge.value) fail(400, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.");
    }
    state.redeemed = true;
    return { tenant, clientId, approvedScope: state.scope, form, version, nonce: state.nonce };
  }
}

/**
 * Entra accepts only reply URLs registered for the app, any port for loopback ("Redirect URI (reply URL)
 * outline and restrictions"). The sandbox does not know external clients' registrations, so it accepts
 * the loopback URLs that native clients listen on, and nothing else: a code never goes elsewhere.
 */
function checkedRedirectUri(value: string | null, clientId: string): string {
  if (!value) fail(400, "invalid_request", 900144, "The request body must contain the following parameter: 'redirect_uri'.");
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const loopback = url !== undefined && url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (!loopback) {
    fail(400, "invalid_request", 50011, `The redirect URI '${value}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. The sandbox accepts loopback reply URLs (http://localhost, http://127.0.0.1, any port).`);
  }
  return value;
}

/** RFC 7636 §4.3: method S256 or plain (the default); the challenge is 43-128 characters. */
function pkceChallenge(query: URLSearchParams): AuthorizeState["challenge"] {
  const value = query.get("code_challenge");
  if (value === null) return undefined;
  const method = query.get("code_challenge_method") ?? "plain";
  if (method !== "S256" && method !== "plain") fail(400, "invalid_request", 90100, `The code_challenge_method '${method}' is not supported: use S256.`);
  if (!/^[A-Za-z0-9._~-]{43,128}$/.test(value)) fail(400, "invalid_request", 501491, "Invalid size of Code_Challenge parameter.");
  return { value, method };
}

function redirect(request: AuthorizeState, params: Record<string, string>): FakeResponse {
  const all = { ...params, ...(request.state !== undefined ? { state: request.state } : {}) };
  if (request.formPost) return formPostPage(request.redirectUri, all);
  const target = new URL(request.redirectUri);
  for (const [k, v] of Object.entries(all)) target.searchParams.set(k, v);
  return { status: 302, headers: { location: target.toString(), "cache-control": "no-store" } };
}

function redirectError(request: AuthorizeState, err: unknown, nowMs: number): FakeResponse {
  if (!(err instanceof AadstsFailure)) throw err;
  return redirect(request, { error: err.detail.error, error_description: describeFailure(err.detail, nowMs).description });
}

function failurePage(err: unknown, nowMs: number): FakeResponse {
  if (!(err instanceof AadstsFailure)) throw err;
  return errorPage(err.detail.status, describeFailure(err.detail, nowMs).description);
}
