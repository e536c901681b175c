/**
 * Delegated sign-in for the simulated admin: the device authorization grant (RFC 8628, approved at
 * once: nobody needs a browser), refresh tokens (so clients get tokens for other scopes or resources
 * silently), and issuing the tokens for those and for the authorization code flow.
 *
 * RFC 8628 §3.4: the device access token request carries only grant_type, device_code and client_id;
 * the scope is the one given at the device authorization request (§3.1), remembered with the code.
 * A token request that repeats a scope may narrow it, never widen it (RFC 6749 §6 for refresh).
 * A refresh token redeemed at another tenant's token endpoint works only for a partner's admin with
 * a GDAP relationship there (partner.ts); the token then describes that admin in that tenant.
 */
import { randomBytes } from "node:crypto";
import { fail } from "./aadsts.js";
import type { ConsentStore } from "./consent.js";
import type { DirectoryTenant } from "./directory.js";
import { adminRolesText, sandboxAdmin, type SandboxUser } from "./identities.js";
import type { JsonObject } from "./jwt.js";
import { DEFAULT_SCOPE, OIDC_SCOPES, parseScopes, resourceAsScope, type ResourceCatalogue, type ScopeRequest } from "./resources.js";
import { partnerAdminIn, type PartnerDirectory } from "./partner.js";
import type { SandboxSigner } from "./signer.js";
import { delegatedTokenResponse, newOpaqueToken } from "./tokens.js";

export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
const DEVICE_CODE_LIFETIME_S = 900;

export interface DelegatedContext {
  signer: SandboxSigner;
  authorityUrl: string;
  catalogue: ResourceCatalogue;
  consents: ConsentStore;
  adminLacksPrivilegedRoleAdmin: boolean;
  /** A tenant by id: where a refresh token's user lives. */
  tenantById: (id: string) => DirectoryTenant | undefined;
  /** The MSP partner and its GDAP relationships, when the sandbox plays one. */
  partner?: PartnerDirectory | undefined;
  nowMs: number;
}

/** Which endpoint version a request came through: v1.0 names a `resource`, v2.0 `scope`s. */
export type EndpointVersion = "v1" | "v2";

interface DeviceCodeState {
  tenantId: string;
  clientId: string;
  /** The scope of the device authorization request, as sent (v1: `<resource>/.default`). */
  scope: string;
  expiresAtMs: number;
}

interface RefreshState {
  /** The user's home tenant: where the refresh token was first issued. */
  tenantId: string;
  clientId: string;
  scope: string;
}

/** What a grant hands to `issue`: who asked, for what, and the original scope a token request may narrow. */
export interface Redemption {
  tenant: DirectoryTenant;
  clientId: string;
  /** The scope the user approved (device authorization or authorize request). */
  approvedScope: string;
  form: URLSearchParams;
  version: EndpointVersion;
  nonce?: string | undefined;
}

/** A partner's admin in a customer tenant: their home tenant, and the roles the relationship grants there. */
interface CrossTenantUser {
  home: DirectoryTenant;
  user: SandboxUser;
}

/** Issued device codes and refresh tokens of one sandbox run. */
export class DelegatedSessions {
  private readonly deviceCodes = new Map<string, DeviceCodeState>();
  private readonly refreshTokens = new Map<string, RefreshState>();

  startDeviceCode(tenant: DirectoryTenant, form: URLSearchParams, version: EndpointVersion, ctx: DelegatedContext): JsonObject {
    const clientId = requireParam(form, "client_id");
    const scope = requestedScope(form, version);
    // Entra checks the resource at the device authorization request already (AADSTS500011).
    parseScopes(scope, ctx.catalogue, tenant.initialDomain);
    const deviceCode = newOpaqueToken("sbx-dc");
    const userCode = randomUserCode();
    this.deviceCodes.set(deviceCode, { tenantId: tenant.id, clientId, scope, expiresAtMs: ctx.nowMs + DEVICE_CODE_LIFETIME_S * 1000 });
    const admin = sandboxAdmin(tenant, ctx.adminLacksPrivilegedRoleAdmin);
    const roles = adminRolesText(ctx.adminLacksPrivilegedRoleAdmin);
    const verificationUri = `${ctx.authorityUrl}/devicelogin`;
    // Entra's own wording first (clients show `message` as is), then what is different here.
    const message =
      `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate. ` +
      `(entra-onboard sandbox: ${tenant.initialDomain} (${tenant.id}) is a SIMULATED tenant, not a real Microsoft tenant; ` +
      `this sign-in is approved automatically as the simulated admin ${admin.upn} (${roles}), no browser needed.)`;
    if (version === "v1") {
      // The v1.0 endpoint answers with `verification_url` and numbers as strings.
      return { user_code: userCode, device_code: deviceCode, verification_url: verificationUri, expires_in: String(DEVICE_CODE_LIFETIME_S), interval: "1", message };
    }
    // One second is the smallest useful poll interval; the first poll already succeeds anyway.
    return { user_code: userCode, device_code: deviceCode, verification_uri: verificationUri, expires_in: DEVICE_CODE_LIFETIME_S, interval: 1, message };
  }

  redeemDeviceCode(tenant: DirectoryTenant, form: URLSearchParams, version: EndpointVersion, ctx: DelegatedContext): JsonObject {
    const clientId = requireParam(form, "client_id");
    // ADAL-era v1.0 clients send the device code as `code`; MSAL Python sends both.
    const code = form.get("device_code") ?? form.get("code") ?? fail(400, "invalid_request", 900144, "The request body must contain the following parameter: 'device_code'.");
    const state = this.deviceCodes.get(code);
    if (!state || state.tenantId !== tenant.id || state.clientId !== clientId) {
      fail(400, "invalid_grant", 70000, "The provided value for the 'device_code' is not valid.");
    }
    if (ctx.nowMs > state.expiresAtMs) fail(400, "expired_token", 70020, "The provided value for the 'device_code' has expired.");
    // A device code is single-use, as in Entra.
    this.deviceCodes.delete(code);
    return this.issue({ tenant, clientId, approvedScope: state.scope, form, version }, ctx);
  }

  redeemRefreshToken(tenant: DirectoryTenant, form: URLSearchParams, version: EndpointVersion, ctx: DelegatedContext): JsonObject {
    const clientId = requireParam(form, "client_id");
    const token = form.get("refresh_token") ?? fail(400, "invalid_request", 900144, "The request body must contain the following parameter: 'refresh_token'.");
    const state = this.refreshTokens.get(token);
    if (!state || state.clientId !== clientId) {
      fail(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.");
    }
    // Redeemed at another tenant's token endpoint: the user must have access there (GDAP for a partner's admin).
    const user = state.tenantId === tenant.id ? undefined : this.crossTenantUser(state, tenant, ctx);
    // A refresh token is good for any resource (Entra's multi-resource refresh tokens); without a
    // scope it gets what it was issued for (RFC 6749 §6). Only what is already consented is granted.
    const scope = hasScope(form, version) ? requestedScope(form, version) : state.scope;
    const request = parseScopes(scope, ctx.catalogue, tenant.initialDomain);
    const scopes = ctx.consents.grant({ tenantId: tenant.id, clientId, request, interactive: false });
    return this.tokens(tenant, clientId, request, scopes, version, undefined, ctx, user);
  }

  /** A user of one tenant asking for a token in another (see partner.ts). */
  private crossTenantUser(state: RefreshState, tenant: DirectoryTenant, ctx: DelegatedContext): CrossTenantUser {
    const home = ctx.tenantById(state.tenantId) ?? fail(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.");
    return { home, user: partnerAdminIn(tenant, { home, clientId: state.clientId, partner: ctx.partner, lacksPrivilegedRoleAdmin: ctx.adminLacksPrivilegedRoleAdmin, nowMs: ctx.nowMs }) };
  }

  /** Tokens for an approved interactive sign-in; the token request may narrow the approved scope. */
  issue(r: Redemption, ctx: DelegatedContext): JsonObject {
    const approved = parseScopes(r.approvedScope, ctx.catalogue, r.tenant.initialDomain);
    let request = approved;
    if (hasScope(r.form, r.version)) {
      const asked = parseScopes(requestedScope(r.form, r.version), ctx.catalogue, r.tenant.initialDomain);
      if (!asked.signInOnly) {
        if (!narrows(asked, approved)) {
          fail(400, "invalid_scope", 70011, `The provided value for the input parameter 'scope' is not valid. The scope ${asked.requested.join(" ")} was not part of the scope the user approved (${approved.requested.join(" ") || "openid"}).`);
        }
        request = asked;
      }
    }
    const scopes = ctx.consents.grant({ tenantId: r.tenant.id, clientId: r.clientId, request, interactive: true });
    return this.tokens(r.tenant, r.clientId, request, scopes, r.version, r.nonce, ctx);
  }

  private tokens(tenant: DirectoryTenant, clientId: string, request: ScopeRequest, scopes: string[], version: EndpointVersion, nonce: string | undefined, ctx: DelegatedContext, crossTenant?: CrossTenantUser): JsonObject {
    const refreshToken = newOpaqueToken("sbx-rt");
    // Old refresh tokens stay valid: MSAL may use one concurrently from two getToken calls.
    this.refreshTokens.set(refreshToken, { tenantId: crossTenant?.home.id ?? tenant.id, clientId, scope: [...request.requested, ...request.oidc].join(" ") });
    return delegatedTokenResponse({
      signer: ctx.signer,
      authorityUrl: ctx.authorityUrl,
      tenant,
      user: crossTenant?.user ?? sandboxAdmin(tenant, ctx.adminLacksPrivilegedRoleAdmin),
      delegatedAdmin: crossTenant ? { partnerTenantId: crossTenant.home.id, partnerDisplayName: crossTenant.home.displayName } : undefined,
      clientId,
      audience: request.audience,
      scopes,
      responseScope: responseScope(request, scopes),
      refreshToken,
      nonce,
      v1: version === "v1" ? { resource: request.prefix } : undefined,
      nowMs: ctx.nowMs,
    });
  }
}

/** The token response's `scope`: what was granted, spelled the way the client asked. */
function responseScope(request: ScopeRequest, granted: string[]): string {
  if (request.signInOnly) return [...granted, ...request.oidc].join(" ");
  if (!request.permissions.includes(DEFAULT_SCOPE)) return [...request.requested, ...request.oidc].join(" ");
  const named = granted.map((s) => (OIDC_SCOPES.has(s.toLowerCase()) ? s : `${request.prefix}/${s}`));
  return [...named, ...request.requested, ...request.oidc].join(" ");
}

/** `asked` is within `approved`: same resource and no permission that was not approved. */
function narrows(asked: ScopeRequest, approved: ScopeRequest): boolean {
  if (asked.resource !== approved.resource) return false;
  const ok = new Set(approved.permissions.map((p) => p.toLowerCase()));
  return asked.permissions.every((p) => ok.has(p.toLowerCase()));
}

function hasScope(form: URLSearchParams, version: EndpointVersion): boolean {
  return version === "v1" ? form.has("resource") : form.has("scope");
}

/** The scope parameter (v2.0), or the resource as `<resource>/.default` plus any OIDC scopes (v1.0). */
export function requestedScope(form: URLSearchParams, version: EndpointVersion): string {
  if (version === "v1") {
    const resource = form.get("resource") ?? fail(400, "invalid_request", 900144, "The request body must contain the following parameter: 'resource'.");
    return [resourceAsScope(resource), form.get("scope") ?? ""].join(" ").trim();
  }
  return form.get("scope") ?? fail(400, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'.");
}

export function requireParam(form: URLSearchParams, name: string): string {
  const value = form.get(name);
  if (!value) fail(400, "invalid_request", 900144, `The request body must contain the following parameter: '${name}'.`);
  return value;
}

/** Nine characters from an alphabet without look-alikes, like Entra's user codes. */
function randomUserCode(): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  return [...randomBytes(9)].map((b) => alphabet[b % alphabet.length]).join("");
}
