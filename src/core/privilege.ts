/**
 * Least privilege, kept in one place: what a profile may grant the app without --allow-privileged.
 * The platform reads; the app it signs in as should not be able to change the tenant. Allowed are
 * read-only Microsoft Graph application permissions (values ending in `.Read.All` or
 * `.ReadBasic.All`, e.g. AccessReview.Read.All), Exchange.ManageAsApp (the vendor's documented need
 * for Exchange Online PowerShell; what it can do there is bounded by the directory role, Global
 * Reader; in GCC High and DoD the same permission of Microsoft Exchange Online Protection), and the read-only built-in directory roles ("Microsoft Entra built-in roles", Microsoft
 * Learn). Anything else is a privileged grant: refused before sign-in unless the admin says
 * --allow-privileged, and marked as privileged in the plan.
 */
import { editDistance } from "../shared/text.js";
import type { PermissionSpec, Profile } from "./profiles.js";
import { EXCHANGE_APP_ID, EXCHANGE_ONLINE_PROTECTION_APP_ID, GRAPH_APP_ID } from "./well-known.js";

/** Graph permission values that only read (X.Read.All, X.ReadBasic.All). */
const READ_ONLY_GRAPH_VALUE = /^[a-z]+(\.[a-z]+)*\.Read(Basic)?\.All$/i;

const ALLOWED_EXCHANGE_VALUES = ["exchange.manageasapp"];

/** Built-in directory roles that can read but not change anything (names as the portal shows them). */
export const READ_ONLY_ROLES = [
  "Global Reader",
  "Directory Readers",
  "Security Reader",
  "Reports Reader",
  "Message Center Reader",
  "Usage Summary Reports Reader",
] as const;

export function isPrivilegedPermission(permission: Pick<PermissionSpec, "resourceAppId" | "value">): boolean {
  if (permission.resourceAppId === GRAPH_APP_ID) return !READ_ONLY_GRAPH_VALUE.test(permission.value);
  // Exchange Online Protection's Exchange.ManageAsApp is the same grant for GCC High and DoD (clouds.ts).
  if (permission.resourceAppId === EXCHANGE_APP_ID || permission.resourceAppId === EXCHANGE_ONLINE_PROTECTION_APP_ID) {
    return !ALLOWED_EXCHANGE_VALUES.includes(permission.value.toLowerCase());
  }
  return true;
}

export function isPrivilegedRole(roleName: string): boolean {
  return !READ_ONLY_ROLES.some((role) => role.toLowerCase() === roleName.trim().toLowerCase());
}

/** Read-only names a typo most likely meant (the built-in profiles' permissions and the roles above). */
const KNOWN_READ_ONLY = ["AccessReview.Read.All", "Exchange.ManageAsApp", "Directory.Read.All", ...READ_ONLY_ROLES];

/**
 * The profile's privileged entries by name ("Microsoft Graph / RoleManagement.ReadWrite.Directory",
 * "Global Administrator"). A near miss of a read-only name is most likely a typo, so it says which.
 */
export function privilegedEntries(profile: Profile): string[] {
  const named = (name: string, value: string) => {
    const near = KNOWN_READ_ONLY.find((known) => editDistance(known, value) <= 2);
    return near ? `${name} (did you mean '${near}'?)` : name;
  };
  return [
    ...profile.permissions.filter(isPrivilegedPermission).map((p) => named(`${p.resourceName} / ${p.value}`, p.value)),
    ...profile.roles.filter(isPrivilegedRole).map((role) => named(role, role)),
  ];
}
