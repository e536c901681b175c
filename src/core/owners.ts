/**
 * Who owns the app, and whether that proves it is entra-onboard's. In Entra the user who creates an
 * app owns it, and an owner can add a credential of their own and sign in as the app ("Default user
 * permissions", "Application ownership", Microsoft Learn). The tag and the uniqueName are no proof:
 * any member may register an app and set both. An owner is acceptable when it is the signed-in admin
 * (token `oid`) or a principal that could have granted these permissions itself: Global
 * Administrator or Privileged Role Administrator, assigned tenant-wide ("Microsoft Entra built-in
 * roles"). Roles held through a group or only eligible in PIM do not count: such an owner makes the
 * app need --adopt, never the other way round.
 */
import { printable } from "../shared/input-text.js";
import type { ObservedOwner, RoleAssignment, RoleDefinition } from "./types.js";
import { roleMatches } from "./resolve.js";
import { ROLE_TEMPLATE } from "./well-known.js";

/** An owner as "List owners of an application" returns it (a directoryObject with @odata.type). */
export interface OwnerObject {
  id: string;
  kind: ObservedOwner["kind"];
  name: string;
}

/**
 * Names come back null for objects the caller may not read ("Limited information returned for
 * inaccessible member objects", Microsoft Graph permissions overview): then the id is the name.
 * A name is shown in plans and refusals, so control characters in it are escaped, not printed.
 */
export function parseOwner(value: unknown): OwnerObject | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const o = value as Record<string, unknown>;
  const id = typeof o["id"] === "string" ? o["id"].toLowerCase() : undefined;
  if (id === undefined) return undefined;
  const type = typeof o["@odata.type"] === "string" ? o["@odata.type"].toLowerCase() : "";
  const kind = type.endsWith(".user") ? "user" : type.endsWith(".serviceprincipal") ? "servicePrincipal" : "other";
  const displayName = typeof o["displayName"] === "string" && o["displayName"] !== "" ? printable(o["displayName"]) : undefined;
  const upn = typeof o["userPrincipalName"] === "string" && o["userPrincipalName"] !== "" ? printable(o["userPrincipalName"]) : undefined;
  const appId = typeof o["appId"] === "string" && o["appId"] !== "" ? o["appId"] : undefined;
  const detail = kind === "user" ? upn : kind === "servicePrincipal" ? `service principal${appId ? `, appId ${appId}` : ""}` : undefined;
  const name = displayName ? `${displayName}${detail ? ` (${detail})` : ""}` : upn ?? (kind === "servicePrincipal" ? `service principal ${id}` : id);
  return { id, kind, name };
}

/** Owners that need their roles read: everyone but the signed-in admin, when users or service principals. */
export function ownersToCheck(owners: readonly OwnerObject[], signedInId: string | undefined): OwnerObject[] {
  return owners.filter((o) => o.id !== signedInId?.toLowerCase() && o.kind !== "other");
}

const GRANTING_ROLES: readonly string[] = [ROLE_TEMPLATE.globalAdministrator, ROLE_TEMPLATE.privilegedRoleAdministrator];

/** The owner's standing, from its tenant-wide role assignments (undefined: they could not be read). */
export function ownerStanding(owner: OwnerObject, signedInId: string | undefined, assignments: readonly RoleAssignment[] | undefined, definitions: readonly RoleDefinition[]): ObservedOwner {
  if (owner.id === signedInId?.toLowerCase()) return { ...owner, standing: "signed-in-admin" };
  if (owner.kind === "other" || assignments === undefined) return { ...owner, standing: "unverified" };
  const granting = definitions.filter((d) => GRANTING_ROLES.includes(d.templateId.toLowerCase()));
  const roles = granting.length > 0 ? granting : GRANTING_ROLES.map((id) => ({ id, templateId: id, displayName: "" }));
  const privileged = assignments.some((a) => a.directoryScopeId === "/" && roles.some((d) => roleMatches(a.roleDefinitionId, d)));
  return { ...owner, standing: privileged ? "privileged" : "unprivileged" };
}

/** "Plain Member (member@contoso.onmicrosoft.com), a user without Global Administrator or Privileged Role Administrator". */
export function describeOwner(owner: ObservedOwner): string {
  switch (owner.standing) {
    case "signed-in-admin":
      return `${owner.name}, the signed-in admin`;
    case "privileged":
      return `${owner.name}, Global Administrator or Privileged Role Administrator`;
    case "unprivileged":
      return `${owner.name}, a ${owner.kind === "user" ? "user" : "service principal"} without Global Administrator or Privileged Role Administrator`;
    case "unverified":
      return `${owner.name}, whose directory roles could not be read`;
  }
}

export const isTrustedOwner = (owner: ObservedOwner): boolean => owner.standing === "signed-in-admin" || owner.standing === "privileged";
