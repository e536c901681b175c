/**
 * Delegated sign-in for the simulated admin: device code (approved at once, nobody needs a browser) and
 * refresh tokens (so MSAL can get tokens for other scopes or resources silently).
 */
import { randomBytes } from "node:crypto";
import { fail } from "./aadsts.js";
import type { DirectoryTenant } from "./directory.js";
import type { JsonObject } from "./jwt.js";
import { grantedDelegatedScopes, parseScopes } from "./resources.js";
import type { SandboxSigner } from "./signer.js";
import { sandboxAdmin } from "./identities.js";
import { delegatedTokenResponse, newOpaqueToken } from "./tokens.js";

export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
const DEVICE_CODE_LIFETIME_S = 900;

interface DeviceCodeState {
  tenantId: string;
  clientId: string;
  expiresAtMs: number;
}

interface RefreshState {
  tenantId: string;
  clientId: string;
}

export interface DelegatedContext {
  signer: SandboxSigner;
  authorityUrl: string;
  adminLacksPrivilegedRoleAdmin: boolean;
  nowMs: number;
}

/** Issued device codes and refresh tokens of one sandbox run. */
export class DelegatedSessions {
  private readonly deviceCodes = new Map<string, DeviceCodeState>();
  private readonly refreshTokens = new Map<string, RefreshState>();

  startDeviceCode(tenant: DirectoryTenant, form: URLSearchParams, ctx: DelegatedContext): JsonObject {
    const clientId = requireParam(form, "client_id");
    parseScopes(form.get("scope") ?? undefined, tenant.initialDomain);
    const deviceCode = newOpaqueToken("sbx-dc");
    const userCode = randomUserCode();
    this.deviceCodes.set(deviceCode, { tenantId: tenant.id, clientId, expiresAtMs: ctx.nowMs + DEVICE_CODE_LIFETIME_S * 1000 });
    const admin = sandboxAdmin(tenant, ctx.adminLacksPrivilegedRoleAdmin);
    const roles = ctx.adminLacksPrivilegedRoleAdmin
      ? "Cloud Application Administrator (without Privileged Role Administrator)"
      : "Privileged Role Administrator + Cloud Application Administrator";
    const verificationUri = `${ctx.authorityUrl}/devicelogin`;
    return {
      user_code: userCode,
      device_code: deviceCode,
      verification_uri: verificationUri,
      expires_in: DEVICE_CODE_LIFETIME_S,
      // One second is MSAL's smallest useful poll interval; the first poll already succeeds anyway.
      interval: 1,
      message: `This is the simulated entra-onboard SANDBOX tenant ${tenant.initialDomain} (${tenant.id}), not a real Microsoft tenant. No browser is needed: sign-in with code ${userCode} is approved automatically as the simulated admin ${admin.upn} (${roles}).`,
    };
  }

  redeemDeviceCode(tenant: DirectoryTenant, form: URLSearchParams, ctx: DelegatedContext): JsonObject {
    const clientId = requireParam(form, "client_id");
    const code = form.get("device_code") ?? fail(400, "invalid_request", 900144, "The request body must contain the following parameter: 'device_code'.");
    const state = this.deviceCodes.get(code);
    if (!state || state.tenantId !== tenant.id || state.clientId !== clientId) {
      fail(400, "invalid_grant", 70000, "The provided value for the 'device_code' is not valid.");
    }
    if (ctx.nowMs > state.expiresAtMs) fail(400, "expired_token", 70020, "The provided value for the 'device_code' has expired.");
    // A device code is single-use, as in Entra.
    this.deviceCodes.delete(code);
    return this.issue(tenant, clientId, form, ctx);
  }

  redeemRefreshToken(tenant: DirectoryTenant, form: URLSearchParams, ctx: DelegatedContext): JsonObject {
    const clientId = requireParam(form, "client_id");
    const token = form.get("refresh_token") ?? fail(400, "invalid_request", 900144, "The request body must contain the following parameter: 'refresh_token'.");
    const state = this.refreshTokens.get(token);
    if (!state || state.tenantId !== tenant.id || state.clientId !== clientId) {
      fail(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.");
    }
    return this.issue(tenant, clientId, form, ctx);
  }

  private issue(tenant: DirectoryTenant, clientId: string, form: URLSearchParams, ctx: DelegatedContext): JsonObject {
    const parsed = parseScopes(form.get("scope") ?? undefined, tenant.initialDomain);
    const refreshToken = newOpaqueToken("sbx-rt");
    // Old refresh tokens stay valid: MSAL may use one concurrently from two getToken calls.
    this.refreshTokens.set(refreshToken, { tenantId: tenant.id, clientId });
    return delegatedTokenResponse({
      signer: ctx.signer,
      authorityUrl: ctx.authorityUrl,
      tenant,
      user: sandboxAdmin(tenant, ctx.adminLacksPrivilegedRoleAdmin),
      clientId,
      resource: parsed.resource,
      scopes: grantedDelegatedScopes(parsed),
      responseScope: [...parsed.requested, ...parsed.oidc].join(" "),
      refreshToken,
      nonce: form.get("nonce") ?? undefined,
      nowMs: ctx.nowMs,
    });
  }
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
