/**
 * Resources (APIs) the sandbox authority issues tokens for, and how OAuth scope strings map to them.
 */
import { fail } from "./aadsts.js";

export interface ResourceApi {
  /** Token audience and scope prefix, e.g. "https://graph.microsoft.com". */
  url: string;
  /** The first-party app id of the resource service principal. */
  appId: string;
  /** Delegated scopes a `.default` request gets: what an admin consented for the tool's public client. */
  consentedScopes: readonly string[];
}

export const GRAPH_RESOURCE: ResourceApi = {
  url: "https://graph.microsoft.com",
  appId: "00000003-0000-0000-c000-000000000000",
  consentedScopes: [
    "Application.ReadWrite.All",
    "AppRoleAssignment.ReadWrite.All",
    "RoleManagement.ReadWrite.Directory",
    "Directory.Read.All",
    "User.Read",
  ],
};

export const EXCHANGE_RESOURCE: ResourceApi = {
  url: "https://outlook.office365.com",
  appId: "00000002-0000-0ff1-ce00-000000000000",
  consentedScopes: ["Exchange.Manage"],
};

const RESOURCES: readonly ResourceApi[] = [GRAPH_RESOURCE, EXCHANGE_RESOURCE];

/** OpenID Connect scopes: they shape the response (id_token, refresh_token) but are not API permissions. */
export const OIDC_SCOPES: ReadonlySet<string> = new Set(["openid", "profile", "offline_access", "email"]);

export interface ParsedScopes {
  resource: ResourceApi;
  /** Short permission names asked for, e.g. ["Application.ReadWrite.All"] or [".default"]. */
  permissions: string[];
  /** The requested scope strings (API ones), echoed in the token response's `scope`. */
  requested: string[];
  /** The OIDC scopes that came along. */
  oidc: string[];
}

/**
 * Splits a space-separated scope parameter. All API scopes must name one resource, as in Entra
 * (a bare name like "User.Read" means Graph); an unknown resource is AADSTS500011.
 */
export function parseScopes(scopeParam: string | undefined, tenantLabel: string): ParsedScopes {
  const all = (scopeParam ?? "").split(/\s+/).filter((s) => s.length > 0);
  const oidc = all.filter((s) => OIDC_SCOPES.has(s.toLowerCase()));
  const api = all.filter((s) => !OIDC_SCOPES.has(s.toLowerCase()));
  let resource: ResourceApi | undefined;
  const permissions: string[] = [];
  for (const scope of api) {
    const slash = scope.lastIndexOf("/");
    const prefix = slash < 0 ? GRAPH_RESOURCE.url : scope.slice(0, slash).replace(/\/+$/, "");
    const name = slash < 0 ? scope : scope.slice(slash + 1);
    const match = RESOURCES.find((r) => r.url.toLowerCase() === prefix.toLowerCase() || r.appId === prefix.toLowerCase());
    if (!match) {
      fail(400, "invalid_resource", 500011, `The resource principal named ${prefix} was not found in the tenant named ${tenantLabel}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`);
    }
    if (resource && resource !== match) {
      fail(400, "invalid_scope", 28000, `Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${api.join(" ")} is not valid.`);
    }
    resource = match;
    if (name.length > 0) permissions.push(name);
  }
  if (!resource || permissions.length === 0) {
    // Only OIDC scopes (or none): Entra issues a Graph token with User.Read.
    return { resource: GRAPH_RESOURCE, permissions: ["User.Read"], requested: api, oidc };
  }
  return { resource, permissions, requested: api, oidc };
}

/** Delegated grant: what was asked, `.default` expanded to the consented set. */
export function grantedDelegatedScopes(parsed: ParsedScopes): string[] {
  const out = new Set<string>();
  for (const p of parsed.permissions) {
    if (p === ".default") parsed.resource.consentedScopes.forEach((s) => out.add(s));
    else out.add(p);
  }
  return [...out];
}
