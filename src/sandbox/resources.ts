/**
 * Resources (APIs) the sandbox authority issues tokens for, and how OAuth scope strings map to them.
 *
 * A resource is named in a scope by one of its identifiers: its app id or one of its identifier URIs
 * ("Scopes and permissions in the Microsoft identity platform": `<resource>/<permission>`, and
 * `<resource>/.default` for everything consented). The token's `aud` is the identifier the request
 * used, as in Entra's v1.0 access tokens ("Access token claims reference": aud "can be the client ID
 * or the resource URI used in the request"). Unknown resources are AADSTS500011. A sandbox playing
 * a national cloud knows that cloud's identifiers only (https://graph.microsoft.us, not
 * https://graph.microsoft.com): "Microsoft Graph national cloud deployments" says tokens of one cloud
 * are not accepted by another.
 */
import { CLOUD_IDENTITIES, type FakeCloud } from "../fake/clouds.js";
import { fail } from "./aadsts.js";

export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
export const EXCHANGE_APP_ID = "00000002-0000-0ff1-ce00-000000000000";
export const EXCHANGE_ONLINE_PROTECTION_APP_ID = "00000007-0000-0ff1-ce00-000000000000";
/** "Windows Azure Service Management API", the resource behind Azure Resource Manager. */
export const ARM_APP_ID = "797f4846-ba00-4fd7-ba43-dac1f8f63013";

export interface ResourceApi {
  appId: string;
  displayName: string;
  /** Identifier URIs as registered (ARM's keep their trailing slash, as Entra issues them in `aud`). */
  identifierUris: readonly string[];
}

/**
 * One sandbox's resources, in the cloud it plays (default global): Graph also answers to the
 * sandbox's own Graph URL (the sandbox is a cloud of its own too).
 */
export class ResourceCatalogue {
  readonly graph: ResourceApi;
  readonly exchange: ResourceApi;
  readonly exchangeOnlineProtection: ResourceApi;
  readonly arm: ResourceApi;
  /** The cloud's Graph identifier: what a bare scope such as "User.Read" means. */
  readonly graphUrl: string;
  private readonly all: readonly ResourceApi[];

  constructor(sandboxGraphUrl?: string, cloud: FakeCloud = "global") {
    const identity = CLOUD_IDENTITIES[cloud];
    this.graphUrl = identity.graph;
    this.graph = {
      appId: GRAPH_APP_ID,
      displayName: "Microsoft Graph",
      identifierUris: [identity.graph, ...(sandboxGraphUrl ? [sandboxGraphUrl.replace(/\/+$/, "")] : [])],
    };
    this.exchange = { appId: EXCHANGE_APP_ID, displayName: "Office 365 Exchange Online", identifierUris: identity.exchange };
    // Known by its application id only (its identifier URIs are not documented).
    this.exchangeOnlineProtection = { appId: EXCHANGE_ONLINE_PROTECTION_APP_ID, displayName: "Microsoft Exchange Online Protection", identifierUris: [] };
    this.arm = {
      appId: ARM_APP_ID,
      displayName: "Windows Azure Service Management API",
      identifierUris: ["https://management.core.windows.net/", "https://management.azure.com/"],
    };
    this.all = [this.graph, this.exchange, this.exchangeOnlineProtection, this.arm];
  }

  /** Every `aud` value a token for this resource may carry. */
  audiences(resource: ResourceApi): string[] {
    return [resource.appId, ...resource.identifierUris];
  }

  /** The resource and the audience for an identifier (app id or URI, trailing slashes ignored). */
  find(identifier: string): { resource: ResourceApi; audience: string } | undefined {
    const wanted = normalise(identifier);
    for (const resource of this.all) {
      if (resource.appId === wanted) return { resource, audience: resource.appId };
      const uri = resource.identifierUris.find((u) => normalise(u) === wanted);
      if (uri !== undefined) return { resource, audience: uri };
    }
    return undefined;
  }
}

/** OpenID Connect scopes: they shape the response (id_token, refresh_token) but are not API permissions. */
export const OIDC_SCOPES: ReadonlySet<string> = new Set(["openid", "profile", "offline_access", "email"]);

export interface ScopeRequest {
  resource: ResourceApi;
  /** The token audience: the resource identifier as the request named it. */
  audience: string;
  /** How the request spelled the resource, e.g. "https://management.core.windows.net/" (for echoing scopes). */
  prefix: string;
  /** Short permission names asked for, e.g. ["Application.ReadWrite.All"]; [".default"] for the consented set. */
  permissions: string[];
  /** The API scope strings as sent. */
  requested: string[];
  /** The OIDC scopes that came along. */
  oidc: string[];
  /** No API scope at all (only OIDC, or nothing): Entra then issues a Graph token for User.Read. */
  signInOnly: boolean;
}

export const DEFAULT_SCOPE = ".default";

/**
 * Splits a space-separated scope parameter. All API scopes must name one resource, as in Entra (a bare
 * name like "User.Read" means Graph); `.default` cannot be mixed with other permissions of its resource.
 */
export function parseScopes(scopeParam: string | undefined, catalogue: ResourceCatalogue, tenantLabel: string): ScopeRequest {
  const all = (scopeParam ?? "").split(/\s+/).filter((s) => s.length > 0);
  const oidc = all.filter((s) => OIDC_SCOPES.has(s.toLowerCase()));
  const api = all.filter((s) => !OIDC_SCOPES.has(s.toLowerCase()));
  let found: { resource: ResourceApi; audience: string; prefix: string } | undefined;
  const permissions: string[] = [];
  for (const scope of api) {
    const slash = scope.lastIndexOf("/");
    const prefix = slash < 0 ? catalogue.graphUrl : scope.slice(0, slash);
    const name = slash < 0 ? scope : scope.slice(slash + 1);
    const match = catalogue.find(prefix) ?? resourceNotFound(prefix, tenantLabel);
    if (found && found.resource !== match.resource) {
      fail(400, "invalid_scope", 28000, `Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${api.join(" ")} is not valid.`);
    }
    found ??= { ...match, prefix };
    if (name.length > 0 && !permissions.some((p) => p.toLowerCase() === name.toLowerCase())) permissions.push(name);
  }
  if (!found || permissions.length === 0) {
    return { resource: catalogue.graph, audience: catalogue.graphUrl, prefix: catalogue.graphUrl, permissions: ["User.Read"], requested: api, oidc, signInOnly: true };
  }
  if (permissions.some((p) => p === DEFAULT_SCOPE) && permissions.length > 1) {
    fail(400, "invalid_scope", 70011, `The provided value for the input parameter 'scope' is not valid. The scope ${all.join(" ")} is not valid. .default scope can't be combined with resource-specific scopes.`);
  }
  return { ...found, permissions, requested: api, oidc, signInOnly: false };
}

/** The v1.0 endpoint names a resource instead of scopes: it means `<resource>/.default`. */
export function resourceAsScope(resource: string): string {
  return `${resource}/${DEFAULT_SCOPE}`;
}

export function resourceNotFound(identifier: string, tenantLabel: string): never {
  return fail(400, "invalid_resource", 500011, `The resource principal named ${identifier} was not found in the tenant named ${tenantLabel}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`);
}

function normalise(identifier: string): string {
  return identifier.trim().toLowerCase().replace(/\/+$/, "");
}
