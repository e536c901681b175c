/**
 * Shapes of the objects the fake stores, as Graph v1.0 returns them (JSON, nulls included).
 * Own types rather than @microsoft/microsoft-graph-types: those make every property optional and
 * nullable, which would push null checks into every route for fields the fake always sets.
 */
export interface AppRoleJson {
  allowedMemberTypes: string[];
  description: string;
  displayName: string;
  id: string;
  isEnabled: boolean;
  origin: string;
  value: string;
}

export interface PermissionScopeJson {
  adminConsentDescription: string;
  adminConsentDisplayName: string;
  id: string;
  isEnabled: boolean;
  type: "Admin" | "User";
  userConsentDescription: string | null;
  userConsentDisplayName: string | null;
  value: string;
}

export interface KeyCredentialJson {
  customKeyIdentifier: string | null;
  displayName: string | null;
  endDateTime: string;
  /** base64 as uploaded (of DER or of PEM text); served only for `$select=keyCredentials` on one object. */
  key: string | null;
  keyId: string;
  startDateTime: string;
  type: string;
  usage: string;
}

/** A stored object: known fields typed, everything else a client sent kept as plain JSON. */
export interface DirectoryObjectJson {
  id: string;
  [property: string]: unknown;
}

export interface ApplicationJson extends DirectoryObjectJson {
  appId: string;
  displayName: string;
  uniqueName: string | null;
  signInAudience: string;
  keyCredentials: KeyCredentialJson[];
  appRoles: AppRoleJson[];
  tags: string[];
  createdDateTime: string;
}

export interface ServicePrincipalJson extends DirectoryObjectJson {
  appId: string;
  appDisplayName: string | null;
  displayName: string;
  accountEnabled: boolean;
  appRoles: AppRoleJson[];
  oauth2PermissionScopes: PermissionScopeJson[];
  servicePrincipalNames: string[];
  keyCredentials: KeyCredentialJson[];
  tags: string[];
}

export interface AppRoleAssignmentJson extends DirectoryObjectJson {
  appRoleId: string;
  createdDateTime: string;
  deletedDateTime: null;
  principalDisplayName: string;
  principalId: string;
  principalType: string;
  resourceDisplayName: string;
  resourceId: string;
}

export interface RoleAssignmentJson extends DirectoryObjectJson {
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
}

export interface UserJson extends DirectoryObjectJson {
  displayName: string;
  userPrincipalName: string;
}

/** "objectId is owned by ownerId"; a record of its own so ownership replicates like other writes. */
export interface OwnerLinkJson extends DirectoryObjectJson {
  objectId: string;
  ownerId: string;
}

export interface RoleDefinitionJson extends DirectoryObjectJson {
  displayName: string;
  description: string;
  templateId: string;
  isBuiltIn: boolean;
  isEnabled: boolean;
}

/** Graph timestamps: UTC ISO-8601, without milliseconds when there are none (as Graph prints them). */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
