/**
 * The simulated signed-in admin of each sandbox tenant. Ids are derived from the tenant id so they stay
 * the same across sandbox restarts (MSAL caches and logs keep matching).
 */
import { createHash } from "node:crypto";
import type { FakeTenant } from "../fake/tenant.js";
import type { DirectoryTenant } from "./directory.js";

export const ROLE_TEMPLATE = {
  privilegedRoleAdministrator: "e8611ab8-c189-46e8-94e1-60213ab1f814",
  cloudApplicationAdministrator: "158c047a-c907-4556-b7ef-446551a6b5f7",
  /** "User" default role: Entra puts it in every member's wids. */
  defaultUser: "b79fbf4d-3ef9-4689-8143-76b194e85509",
} as const;

export interface SandboxUser {
  oid: string;
  upn: string;
  name: string;
  givenName: string;
  familyName: string;
  wids: string[];
}

export function sandboxAdmin(tenant: Pick<DirectoryTenant, "id" | "initialDomain">, lacksPrivilegedRoleAdmin: boolean): SandboxUser {
  const wids: string[] = [ROLE_TEMPLATE.cloudApplicationAdministrator, ROLE_TEMPLATE.defaultUser];
  if (!lacksPrivilegedRoleAdmin) wids.unshift(ROLE_TEMPLATE.privilegedRoleAdministrator);
  return {
    oid: stableUuid(`admin:${tenant.id.toLowerCase()}`),
    upn: `admin@${tenant.initialDomain}`,
    name: "Sandbox Admin",
    givenName: "Sandbox",
    familyName: "Admin",
    wids,
  };
}

/**
 * Makes the simulated admin a user of the tenant holding, as role assignments, the roles its tokens'
 * `wids` claim, so "who owns this app and which roles do they hold" reads the same over Graph as in
 * the token. The implicit "User" role is not an assignment in Entra either.
 */
export function addSandboxAdminUser(tenant: FakeTenant, lacksPrivilegedRoleAdmin: boolean): void {
  const admin = sandboxAdmin(tenant, lacksPrivilegedRoleAdmin);
  if (tenant.user(admin.oid) !== undefined) return;
  const roles = admin.wids.filter((w) => w !== ROLE_TEMPLATE.defaultUser);
  tenant.addUser({ id: admin.oid, displayName: admin.name, userPrincipalName: admin.upn, roles });
}

/** The simulated admin's directory roles, in words (device code message, consent page). */
export function adminRolesText(lacksPrivilegedRoleAdmin: boolean): string {
  return lacksPrivilegedRoleAdmin
    ? "Cloud Application Administrator, without Privileged Role Administrator"
    : "Privileged Role Administrator + Cloud Application Administrator";
}

/** A UUID-shaped, deterministic id (version nibble 5, RFC 4122 variant) from a name. */
export function stableUuid(name: string): string {
  const h = createHash("sha1").update(`entra-onboard-sandbox/${name}`).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
