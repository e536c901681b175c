/**
 * Who is calling and what they may do (graph.md §3.1, §4.1, §6). A token with a non-empty `scp`
 * is delegated (scopes + the user's directory roles in `wids`); otherwise it is app-only (`roles`).
 */
import { forbidden } from "./http.js";
import { MICROSOFT_GRAPH_APP_ID, RoleTemplateIds } from "./seed.js";
import type { TokenClaims } from "./types.js";

export class Caller {
  readonly delegated: boolean;
  private readonly permissions: ReadonlySet<string>;
  private readonly directoryRoles: ReadonlySet<string>;

  constructor(claims: TokenClaims) {
    const scopes = (claims.scp ?? "").split(" ").filter((s) => s !== "");
    this.delegated = scopes.length > 0;
    this.permissions = new Set((this.delegated ? scopes : (claims.roles ?? [])).map((p) => p.toLowerCase()));
    this.directoryRoles = new Set((claims.wids ?? []).map((w) => w.toLowerCase()));
  }

  /** Holds at least one of these scopes (delegated) or app roles (app-only). */
  hasAny(...permissions: string[]): boolean {
    return permissions.some((p) => this.permissions.has(p.toLowerCase()));
  }

  hasRole(...templateIds: string[]): boolean {
    return templateIds.some((t) => this.directoryRoles.has(t.toLowerCase()));
  }
}

function require(ok: boolean): void {
  if (!ok) throw forbidden();
}

/** POST/PATCH/DELETE on applications and servicePrincipals. */
export function requireApplicationWrite(caller: Caller): void {
  require(caller.delegated ? caller.hasAny("Application.ReadWrite.All") : caller.hasAny("Application.ReadWrite.All", "Application.ReadWrite.OwnedBy"));
}

/**
 * Granting app roles: AppRoleAssignment.ReadWrite.All plus a read permission; a signed-in user must
 * also be PRA/GA for Microsoft Graph roles, or App/Cloud App Admin (or PRA/GA) for other APIs.
 */
export function requireAppRoleGrant(caller: Caller, resourceAppId: string): void {
  require(caller.hasAny("AppRoleAssignment.ReadWrite.All"));
  require(caller.hasAny("Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All"));
  if (!caller.delegated) return;
  const { PrivilegedRoleAdministrator, GlobalAdministrator, ApplicationAdministrator, CloudApplicationAdministrator } = RoleTemplateIds;
  if (resourceAppId.toLowerCase() === MICROSOFT_GRAPH_APP_ID) require(caller.hasRole(PrivilegedRoleAdministrator, GlobalAdministrator));
  else require(caller.hasRole(PrivilegedRoleAdministrator, GlobalAdministrator, ApplicationAdministrator, CloudApplicationAdministrator));
}

export function requireRoleAssignmentWrite(caller: Caller): void {
  require(caller.hasAny("RoleManagement.ReadWrite.Directory"));
  if (caller.delegated) require(caller.hasRole(RoleTemplateIds.PrivilegedRoleAdministrator, RoleTemplateIds.GlobalAdministrator));
}

/** GET /organization: any signed-in user; an app needs a permission or the Global Reader role. */
export function requireOrganizationRead(caller: Caller): void {
  if (caller.delegated) return;
  require(caller.hasAny("Organization.Read.All", "Organization.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All") || caller.hasRole(RoleTemplateIds.GlobalReader));
}

export function requireAccessReviewRead(caller: Caller): void {
  require(caller.hasAny("AccessReview.Read.All", "AccessReview.ReadWrite.All"));
}
