/**
 * Preflight: can the signed-in admin do every step the plan needs? Checked from the token alone
 * (delegated scopes in `scp`, directory roles in `wids`) so it costs no round trip, and before the
 * first write so a refusal never leaves a half-onboarded tenant.
 */
import type { TokenClaims } from "../shared/jwt.js";
import type { Action } from "./types.js";
import { GRAPH_APP_ID, ROLE_NAMES, ROLE_TEMPLATE } from "./well-known.js";

const T = ROLE_TEMPLATE;
const APP_ADMINS = [T.globalAdministrator, T.cloudApplicationAdministrator, T.applicationAdministrator];
const PRIVILEGED = [T.globalAdministrator, T.privilegedRoleAdministrator];

interface Need {
  /** Delegated scopes, any one of which suffices; app-only tokens are checked against `roles`. */
  scopes: string[];
  /** Directory roles (template ids), any one of which suffices. */
  roles: string[];
  why: string;
}

function needsFor(action: Action): Need | undefined {
  switch (action.kind) {
    case "create-application":
    case "adopt-application":
    case "update-application":
    case "add-certificate":
    case "create-service-principal":
    case "create-resource-service-principal":
      return { scopes: ["Application.ReadWrite.All"], roles: APP_ADMINS, why: "manage app registrations" };
    case "delete-application":
      return { scopes: ["Application.ReadWrite.All"], roles: APP_ADMINS, why: "delete app registrations" };
    case "remove-certificates":
    case "untag-application":
      return { scopes: ["Application.ReadWrite.All"], roles: APP_ADMINS, why: "manage app registrations" };
    case "revoke-app-role":
      // Revoking is granted like granting ("Delete appRoleAssignedTo", Graph v1.0 reference).
      return action.resourceAppId === GRAPH_APP_ID
        ? { scopes: ["AppRoleAssignment.ReadWrite.All"], roles: PRIVILEGED, why: "revoke admin consent for Microsoft Graph permissions" }
        : { scopes: ["AppRoleAssignment.ReadWrite.All"], roles: [...APP_ADMINS, T.privilegedRoleAdministrator], why: `revoke admin consent for ${action.resourceName} permissions` };
    case "remove-directory-role":
      return { scopes: ["RoleManagement.ReadWrite.Directory"], roles: PRIVILEGED, why: "remove directory roles" };
    case "grant-app-role":
      return action.resourceAppId === GRAPH_APP_ID
        ? { scopes: ["AppRoleAssignment.ReadWrite.All"], roles: PRIVILEGED, why: "grant admin consent for Microsoft Graph permissions" }
        : { scopes: ["AppRoleAssignment.ReadWrite.All"], roles: [...APP_ADMINS, T.privilegedRoleAdministrator], why: `grant admin consent for ${action.resourceName} permissions` };
    case "assign-directory-role":
      return { scopes: ["RoleManagement.ReadWrite.Directory"], roles: PRIVILEGED, why: "assign directory roles" };
  }
}

/** Problems that would make apply fail part-way; empty when the admin can do everything. */
export function preflightProblems(actions: readonly Action[], claims: TokenClaims | undefined): string[] {
  // A token that states neither scopes nor roles (an opaque or minimal token) cannot be judged
  // here; Graph itself will answer 403 if it falls short.
  if (!claims || (claims.scp === undefined && claims.roles === undefined)) return [];
  const appOnly = claims.scp === undefined;
  const granted = new Set((appOnly ? (claims.roles ?? []) : claims.scp?.split(" ") ?? []).map((s) => s.toLowerCase()));
  const wids = new Set((claims.wids ?? []).map((w) => w.toLowerCase()));
  const problems = new Set<string>();
  for (const action of actions) {
    const need = needsFor(action);
    if (!need) continue;
    if (!need.scopes.some((s) => granted.has(s.toLowerCase()))) {
      problems.add(`the sign-in token lacks the ${need.scopes.join(" or ")} ${appOnly ? "application permission" : "delegated scope"} (needed to ${need.why}); sign in again and consent to it`);
    }
    // App-only tokens carry roles of the calling app, not of an admin; the scope check is what counts there.
    if (!appOnly && claims.wids !== undefined && !need.roles.some((r) => wids.has(r))) {
      problems.add(`the signed-in admin holds none of ${need.roles.map((r) => ROLE_NAMES[r] ?? r).join(", ")} (needed to ${need.why}; if the role is PIM-eligible, activate it and sign in again)`);
    }
  }
  return [...problems];
}
