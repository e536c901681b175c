/**
 * Users of the fake tenant: the default property set Graph returns for a user (Graph API reference:
 * "Get user"), and the two users every tenant has unless its seed says otherwise. A user's directory
 * roles are ordinary unified role assignments (principalId = user id, directoryScopeId "/").
 */
import { randomUUID } from "node:crypto";
import type { UserJson } from "./model.js";
import { RoleTemplateIds } from "./seed.js";
import type { SeedUser } from "./types.js";

/** The signed-in admin of test/support/harness.ts (its token's `oid`). */
export const DEFAULT_ADMIN_ID = "00000000-0000-0000-0000-0000000000ad";
/** A member with default user permissions and no directory role. */
export const DEFAULT_MEMBER_ID = "00000000-0000-0000-0000-0000000000ee";

export function defaultUserSeeds(): SeedUser[] {
  return [
    {
      id: DEFAULT_ADMIN_ID,
      displayName: "Tenant Admin",
      userPrincipalName: "admin",
      roles: [RoleTemplateIds.PrivilegedRoleAdministrator, RoleTemplateIds.CloudApplicationAdministrator],
    },
    { id: DEFAULT_MEMBER_ID, displayName: "Plain Member", userPrincipalName: "member", roles: [] },
  ];
}

/** A UPN without "@" gets the tenant's initial domain; no UPN: a slug of the display name. */
function userPrincipalName(seed: SeedUser, initialDomain: string): string {
  const given = seed.userPrincipalName ?? (seed.displayName.toLowerCase().replace(/[^a-z0-9]+/g, ".").replace(/^\.|\.$/g, "") || "user");
  return given.includes("@") ? given : `${given}@${initialDomain}`;
}

export function newUser(seed: SeedUser, initialDomain: string): UserJson {
  const upn = userPrincipalName(seed, initialDomain);
  const [given, ...rest] = seed.displayName.split(" ");
  return {
    id: (seed.id ?? randomUUID()).toLowerCase(),
    businessPhones: [],
    displayName: seed.displayName,
    givenName: given ?? null,
    jobTitle: null,
    mail: upn,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: rest.length > 0 ? rest.join(" ") : null,
    userPrincipalName: upn,
  };
}
