/**
 * Who is calling and what they may do. A token with a non-empty `scp` is delegated (scopes + the
 * user's directory roles in `wids`, the user in `oid`); otherwise it is app-only (`roles`, and the
 * calling service principal in `oid`). Directory roles are read from the token's `wids`, as issued
 * at sign-in. Rules follow the permission and role sections of the Graph API reference pages
 * ("Create application", "Update application", "Upsert application", "Create servicePrincipal",
 * "Grant an appRoleAssignment for a service principal", "Create unifiedRoleAssignment") and
 * Microsoft Learn "Default user permissions" and "Microsoft Entra built-in roles".
 */
import { forbidden } from "./http.js";
import { MICROSOFT_GRAPH_APP_ID, RoleTemplateIds } from "./seed.js";
import type { TokenClaims } from "./types.js";

const {
  GlobalAdministrator,
  ApplicationAdministrator,
  CloudApplicationAdministrator,
  ApplicationDeveloper,
  PrivilegedRoleAdministrator,
  GlobalReader,
  SecurityReader,
  SecurityAdministrator,
} = RoleTemplateIds;

/** Roles that may manage every app registration and service principal. */
const APP_ADMIN_ROLES = [GlobalAdministrator, ApplicationAdministrator, CloudApplicationAdministrator];

export class Caller {
  readonly delegated: boolean;
  /** The signed-in user (delegated) or the calling service principal (app-only), lower-cased; may be absent in unit tests. */
  readonly objectId: string | undefined;
  private readonly permissions: ReadonlySet<string>;
  private readonly directoryRoles: ReadonlySet<string>;

  constructor(claims: TokenClaims) {
    const scopes = (claims.scp ?? "").split(" ").filter((s) => s !== "");
    this.delegated = scopes.length > 0;
    this.objectId = claims.oid?.toLowerCase();
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

  /** The caller is one of these directory objects (e.g. an owner). */
  isOneOf(objectIds: readonly string[]): boolean {
    return this.objectId !== undefined && objectIds.some((id) => id.toLowerCase() === this.objectId);
  }
}

function require(ok: boolean): void {
  if (!ok) throw forbidden();
}

/** Any POST/PATCH/DELETE on applications and servicePrincipals: the permission itself, before the object is looked up. */
export function requireApplicationWrite(caller: Caller): void {
  require(caller.delegated ? caller.hasAny("Application.ReadWrite.All") : caller.hasAny("Application.ReadWrite.All", "Application.ReadWrite.OwnedBy"));
}

/**
 * Registering an app (POST /applications, the uniqueName upsert's create path): any member while
 * "Users can register applications" is on; otherwise Application Developer or an app admin role.
 */
export function requireApplicationCreate(caller: Caller, usersCanRegisterApps: boolean): void {
  requireApplicationWrite(caller);
  if (caller.delegated) require(usersCanRegisterApps || caller.hasRole(...APP_ADMIN_ROLES, ApplicationDeveloper));
}

/**
 * Changing or deleting an existing app or service principal (keyCredentials included): an owner,
 * or an app admin role; app-only, Application.ReadWrite.All or OwnedBy on an object it owns.
 */
export function requireManage(caller: Caller, ownerIds: readonly string[]): void {
  requireApplicationWrite(caller);
  const owner = caller.isOneOf(ownerIds);
  if (caller.delegated) require(owner || caller.hasRole(...APP_ADMIN_ROLES));
  else require(owner || caller.hasAny("Application.ReadWrite.All"));
}

/** Adding or removing owners: as requireManage, but "Application.ReadWrite.OwnedBy will not be sufficient" (Graph API reference "Add owner"). */
export function requireOwnersWrite(caller: Caller, ownerIds: readonly string[]): void {
  requireManage(caller, ownerIds);
  if (!caller.delegated) require(caller.hasAny("Application.ReadWrite.All"));
}

export interface BackingApplication {
  singleTenant: boolean;
  ownerIds: readonly string[];
}

/**
 * Creating a service principal: an app admin role; or, for a single-tenant app, a non-admin owner
 * of the backing app who holds Application Developer (Graph API reference "Create
 * servicePrincipal"). A plain owner without that role is refused. `backing` is undefined for
 * first-party apps. App-only: Application.ReadWrite.All, or OwnedBy for an app it owns.
 */
export function requireServicePrincipalCreate(caller: Caller, backing: BackingApplication | undefined): void {
  requireApplicationWrite(caller);
  const owner = backing !== undefined && caller.isOneOf(backing.ownerIds);
  if (caller.delegated) require(caller.hasRole(...APP_ADMIN_ROLES) || (owner && backing.singleTenant && caller.hasRole(ApplicationDeveloper)));
  else require(owner || caller.hasAny("Application.ReadWrite.All"));
}

/**
 * Granting app roles: AppRoleAssignment.ReadWrite.All plus a read permission; a signed-in user must
 * also be PRA/GA for Microsoft Graph roles, or App/Cloud App Admin (or PRA/GA) for other APIs.
 */
export function requireAppRoleGrant(caller: Caller, resourceAppId: string): void {
  require(caller.hasAny("AppRoleAssignment.ReadWrite.All"));
  require(caller.hasAny("Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All"));
  if (!caller.delegated) return;
  if (resourceAppId.toLowerCase() === MICROSOFT_GRAPH_APP_ID) require(caller.hasRole(PrivilegedRoleAdministrator, GlobalAdministrator));
  else require(caller.hasRole(PrivilegedRoleAdministrator, GlobalAdministrator, ApplicationAdministrator, CloudApplicationAdministrator));
}

export function requireRoleAssignmentWrite(caller: Caller): void {
  require(caller.hasAny("RoleManagement.ReadWrite.Directory"));
  if (caller.delegated) require(caller.hasRole(PrivilegedRoleAdministrator, GlobalAdministrator));
}

/** GET /organization: any signed-in user; an app needs a permission or the Global Reader role. */
export function requireOrganizationRead(caller: Caller): void {
  if (caller.delegated) return;
  require(caller.hasAny("Organization.Read.All", "Organization.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All") || caller.hasRole(GlobalReader));
}

export function requireAccessReviewRead(caller: Caller): void {
  require(caller.hasAny("AccessReview.Read.All", "AccessReview.ReadWrite.All"));
}

/**
 * GET of the app management and authorization policies: Policy.Read.All (or a write permission of
 * the policy); a signed-in user needs "at least the Global Reader" role (Graph API reference "Get
 * tenantAppManagementPolicy"). Accepting the admin roles that may configure the policy (Application
 * and Cloud Application Administrator) and Security Reader/Administrator is [unverified].
 */
export function requirePolicyRead(caller: Caller, writePermission: string): void {
  require(caller.hasAny("Policy.Read.All", writePermission));
  if (caller.delegated) require(caller.hasRole(GlobalReader, GlobalAdministrator, SecurityReader, SecurityAdministrator, ApplicationAdministrator, CloudApplicationAdministrator));
}

export type DirectoryObjectKind = "user" | "servicePrincipal" | "application";

/** Permissions that let a caller read every object of a kind (Graph API reference "Get user", "Get application", "Get servicePrincipal"). */
const READ_PERMISSIONS: Readonly<Record<DirectoryObjectKind, { delegated: string[]; appOnly: string[] }>> = {
  user: {
    delegated: ["User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
    appOnly: ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  },
  servicePrincipal: {
    delegated: ["Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
    appOnly: ["Application.Read.All", "Application.ReadWrite.All", "Application.ReadWrite.OwnedBy", "Directory.Read.All", "Directory.ReadWrite.All"],
  },
  application: {
    delegated: ["Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
    appOnly: ["Application.Read.All", "Application.ReadWrite.All", "Application.ReadWrite.OwnedBy", "Directory.Read.All", "Directory.ReadWrite.All"],
  },
};

export function canReadKind(caller: Caller, kind: DirectoryObjectKind): boolean {
  const permissions = READ_PERMISSIONS[kind];
  return caller.hasAny(...(caller.delegated ? permissions.delegated : permissions.appOnly));
}

/** Reading users other than oneself (a signed-in user may always read their own object). */
export function requireUserRead(caller: Caller, userId?: string): void {
  if (caller.delegated && userId !== undefined && caller.isOneOf([userId])) return;
  require(canReadKind(caller, "user"));
}

/** Listing owners (Graph API reference "List owners of an application"). */
export function requireOwnersRead(caller: Caller): void {
  require(caller.hasAny("Application.Read.All", "Application.ReadWrite.All", "Application.ReadWrite.OwnedBy", "Directory.Read.All", "Directory.ReadWrite.All"));
}
