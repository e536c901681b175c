/**
 * Token shapes the sandbox issues, modelled on Entra v2.0 endpoint responses carrying v1.0 access
 * tokens (what Graph and Exchange get in production): delegated user tokens with id_token/client_info for
 * MSAL's account cache, and app-only tokens for certificate sign-in.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { DirectoryTenant } from "./directory.js";
import { base64urlJson, type JsonObject } from "./jwt.js";
import type { SandboxSigner } from "./signer.js";
import type { SandboxUser } from "./identities.js";

/** The role Entra adds to `wids` in tokens issued through a GDAP relationship. */
export const GDAP_WIDS_INDICATOR = "08372b87-7d02-482a-9e02-fb03ea5fe193";

/** Access token lifetime; Entra's default is 60–90 minutes, a fixed hour keeps tests predictable. */
export const ACCESS_TOKEN_LIFETIME_S = 3599;

export interface DelegatedTokenInput {
  signer: SandboxSigner;
  authorityUrl: string;
  tenant: DirectoryTenant;
  user: SandboxUser;
  clientId: string;
  /** The `aud` claim: the resource identifier as the request named it. */
  audience: string;
  /** Granted short scope names (no OIDC scopes). */
  scopes: string[];
  /** The response's `scope`: what was granted, in the form the client asked (v2.0 endpoint). */
  responseScope: string;
  refreshToken: string;
  nonce?: string | undefined;
  /** The v1.0 endpoint's response shape (`resource`, numbers as strings, `expires_on`). */
  v1?: { resource: string } | undefined;
  /**
   * The user is a partner's admin acting in this (customer) tenant through GDAP: `user` is the partner's
   * admin, `user.wids` the relationship's roles. Such a user is not an object of the customer tenant.
   */
  delegatedAdmin?: { partnerTenantId: string; partnerDisplayName: string } | undefined;
  nowMs: number;
}

/**
 * What identifies the user in an access token. A GDAP token carries no `oid` (the partner's user is no
 * object of the customer tenant), the partner's issuer as `idp`, the user as `aai`, a generic
 * "<partner> Technician" name, and the GDAP indicator role in `wids` next to the relationship's roles
 * (the token shape reported in AzureAD/microsoft-identity-web issue #2609).
 */
function userClaims(input: DelegatedTokenInput): JsonObject {
  const { user, delegatedAdmin } = input;
  if (!delegatedAdmin) {
    return { family_name: user.familyName, given_name: user.givenName, name: user.name, oid: user.oid, sub: user.oid, unique_name: user.upn, upn: user.upn, wids: user.wids };
  }
  const technician = `${delegatedAdmin.partnerDisplayName} Technician`;
  return {
    aai: `tenant: ${delegatedAdmin.partnerTenantId}, object: ${user.oid}`,
    idp: `https://sts.windows.net/${delegatedAdmin.partnerTenantId}/`,
    name: technician,
    sub: createHash("sha256").update(`${input.clientId}|${user.oid}`).digest("base64url"),
    unique_name: technician,
    wids: [GDAP_WIDS_INDICATOR, ...user.wids],
  };
}

export function delegatedTokenResponse(input: DelegatedTokenInput): JsonObject {
  const { tenant, user, clientId, nowMs } = input;
  const now = Math.floor(nowMs / 1000);
  const accessToken = input.signer.sign({
    aud: input.audience,
    iss: `https://sts.windows.net/${tenant.id}/`,
    iat: now,
    nbf: now,
    exp: now + ACCESS_TOKEN_LIFETIME_S,
    acr: "1",
    amr: ["pwd", "mfa"],
    appid: clientId,
    appidacr: "0",
    idtyp: "user",
    ipaddr: "127.0.0.1",
    scp: input.scopes.join(" "),
    tid: tenant.id,
    uti: randomId(),
    ver: "1.0",
    ...userClaims(input),
  });
  const idToken = input.signer.sign({
    aud: clientId,
    // v1.0 id tokens carry the v1 issuer ("Microsoft identity platform ID tokens").
    iss: input.v1 ? `https://sts.windows.net/${tenant.id}/` : `${input.authorityUrl}/${tenant.id}/v2.0`,
    iat: now,
    nbf: now,
    exp: now + ACCESS_TOKEN_LIFETIME_S,
    ...(input.nonce !== undefined ? { nonce: input.nonce } : {}),
    name: user.name,
    // A partner's admin has no object in the customer tenant (see userClaims).
    ...(input.delegatedAdmin ? { idp: `https://sts.windows.net/${input.delegatedAdmin.partnerTenantId}/` } : { oid: user.oid }),
    preferred_username: user.upn,
    sub: user.oid,
    tid: tenant.id,
    uti: randomId(),
    ver: input.v1 ? "1.0" : "2.0",
    ...(input.v1 ? { upn: user.upn, unique_name: user.upn } : {}),
  });
  if (input.v1) {
    // "Microsoft identity platform and OAuth 2.0 (v1.0)": numbers as strings, expires_on/not_before, resource.
    return {
      token_type: "Bearer",
      scope: input.scopes.join(" "),
      expires_in: String(ACCESS_TOKEN_LIFETIME_S),
      ext_expires_in: String(ACCESS_TOKEN_LIFETIME_S),
      expires_on: String(now + ACCESS_TOKEN_LIFETIME_S),
      not_before: String(now),
      resource: input.v1.resource,
      access_token: accessToken,
      refresh_token: input.refreshToken,
      id_token: idToken,
    };
  }
  return {
    token_type: "Bearer",
    scope: input.responseScope,
    expires_in: ACCESS_TOKEN_LIFETIME_S,
    ext_expires_in: ACCESS_TOKEN_LIFETIME_S,
    access_token: accessToken,
    refresh_token: input.refreshToken,
    id_token: idToken,
    // The user's HOME account (MSAL keys its cache by it): the partner's for a GDAP token.
    client_info: base64urlJson({ uid: user.oid, utid: input.delegatedAdmin?.partnerTenantId ?? tenant.id }),
  };
}

export interface AppTokenInput {
  signer: SandboxSigner;
  tenant: DirectoryTenant;
  clientId: string;
  /** The client's service principal object id. */
  spId: string;
  /** The `aud` claim: the resource identifier as the request named it. */
  audience: string;
  roles: string[];
  wids: string[];
  nowMs: number;
}

export function appTokenResponse(input: AppTokenInput): JsonObject {
  const { tenant, nowMs } = input;
  const now = Math.floor(nowMs / 1000);
  const accessToken = input.signer.sign({
    aud: input.audience,
    iss: `https://sts.windows.net/${tenant.id}/`,
    iat: now,
    nbf: now,
    exp: now + ACCESS_TOKEN_LIFETIME_S,
    appid: input.clientId,
    azp: input.clientId,
    // 2 = the client authenticated with a certificate.
    appidacr: "2",
    idp: `https://sts.windows.net/${tenant.id}/`,
    idtyp: "app",
    oid: input.spId,
    // Entra omits roles/wids when there are none, rather than sending empty arrays.
    ...(input.roles.length > 0 ? { roles: input.roles } : {}),
    ...(input.wids.length > 0 ? { wids: input.wids } : {}),
    sub: input.spId,
    tid: tenant.id,
    uti: randomId(),
    ver: "1.0",
  });
  return {
    token_type: "Bearer",
    expires_in: ACCESS_TOKEN_LIFETIME_S,
    ext_expires_in: ACCESS_TOKEN_LIFETIME_S,
    access_token: accessToken,
  };
}

export function newOpaqueToken(prefix: string): string {
  return `${prefix}.${randomBytes(32).toString("base64url")}`;
}

function randomId(): string {
  return Buffer.from(randomUUID().replace(/-/g, ""), "hex").toString("base64url");
}
