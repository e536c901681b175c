/**
 * What the app holds that the profile does not ask for: application permissions granted (app role
 * assignments) or listed (requiredResourceAccess), and directory role assignments. Without --prune
 * they are findings (status exits 3); with --prune, apply removes those on the tool's own app with
 * the action kinds remove already uses (revoke-app-role, remove-directory-role) and takes the
 * listed entries off the app's list.
 *
 * Which of them are entra-onboard's to remove: on an app it created (proven, with its uniqueName),
 * everything extra, whoever added it — the repair case, e.g. a RoleManagement.ReadWrite.Directory
 * grant someone gave the app. On an app it adopted, only what connection.json records it added:
 * the rest was there before and is the owner's, so it stays and is reported. Only ever this app's
 * own grants and roles are read, so nothing of any other app can be touched.
 */
import { assignedRole, grantedPermission, roleMatches, type ResolvedPermission } from "./resolve.js";
import type { Action, DesiredState, Finding, ManagedRecord, ObservedApp, ObservedState, PermissionRef, RoleDefinition } from "./types.js";

export interface ExtrasPlan {
  /** revoke-app-role and remove-directory-role, with --prune. */
  actions: Action[];
  findings: Finding[];
  /** With --prune: listed application permissions to take off the app's list (the app update does it). */
  unlist: PermissionRef[];
}

/**
 * Whose extras may go: `everything` for an app entra-onboard created; otherwise only what `managed`
 * (connection.json's record of this app) says entra-onboard added.
 */
export interface PruneScope {
  everything: boolean;
  managed: ManagedRecord | undefined;
}

export function pruneScope(observed: ObservedState, app: ObservedApp, created: boolean): PruneScope {
  return { everything: created, managed: observed.record?.appId === app.appId.toLowerCase() ? observed.record : undefined };
}

export function planExtras(
  desired: DesiredState,
  observed: ObservedState,
  app: ObservedApp,
  permissions: readonly ResolvedPermission[],
  roles: readonly RoleDefinition[],
  scope: PruneScope,
): ExtrasPlan {
  const sp = observed.servicePrincipal;
  const plan: ExtrasPlan = { actions: [], findings: [], unlist: [] };
  const prune = desired.prune === true;
  const note = (removable: boolean) => (removable ? " (apply --prune removes it)" : " (not added by entra-onboard to this adopted app: --prune leaves it)");

  const grants = sp ? observed.appRoleAssignments : [];
  for (const extra of grants.filter((a) => !permissions.some((p) => p.resourceSpId === a.resourceId && p.appRoleId === a.appRoleId))) {
    const granted = grantedPermission(extra, observed);
    const removable = scope.everything || recorded(scope.managed?.permissions, granted);
    if (prune && removable && sp) plan.actions.push({ kind: "revoke-app-role", servicePrincipalId: sp.id, assignmentId: extra.id, ...granted });
    else plan.findings.push({ kind: "extra-permission", message: `extra permission granted, not in the profile: ${granted.resourceName} / ${granted.value}${note(removable)}` });
  }

  for (const extra of (sp ? observed.roleAssignments : []).filter((r) => !roles.some((role) => roleMatches(r.roleDefinitionId, role) && r.directoryScopeId === "/"))) {
    const role = assignedRole(extra, observed.roleDefinitions);
    const definition = observed.roleDefinitions.find((d) => roleMatches(extra.roleDefinitionId, d)) ?? { id: extra.roleDefinitionId, templateId: extra.roleDefinitionId, displayName: role.roleName };
    const removable = scope.everything || (scope.managed?.roles ?? []).some((r) => roleMatches(r, definition));
    const where = extra.directoryScopeId === "/" ? "" : ` (scope ${extra.directoryScopeId})`;
    if (prune && removable) plan.actions.push({ kind: "remove-directory-role", assignmentId: extra.id, ...role });
    else plan.findings.push({ kind: "extra-role", message: `extra directory role assigned, not in the profile: ${role.roleName}${where}${note(removable)}` });
  }

  for (const listed of extraListed(app, permissions, observed)) {
    const removable = scope.everything || recorded(scope.managed?.listedPermissions, listed);
    const resource = observed.resources[listed.resourceAppId];
    const granted = resource ? grants.some((a) => a.resourceId === resource.id && a.appRoleId.toLowerCase() === listed.appRoleId?.toLowerCase()) : false;
    if (prune && removable) plan.unlist.push(listed);
    // A granted one is already reported above, with its grant.
    else if (!granted) plan.findings.push({ kind: "extra-permission", message: `extra permission listed (not granted), not in the profile: ${listed.resourceName} / ${listed.value}${note(removable)}` });
  }
  return plan;
}

/** The app's listed application permissions (type Role) that the profile does not ask for, by name. */
function extraListed(app: ObservedApp, permissions: readonly ResolvedPermission[], observed: ObservedState): PermissionRef[] {
  const extras: PermissionRef[] = [];
  for (const entry of app.requiredResourceAccess) {
    const resource = observed.resources[entry.resourceAppId] ?? undefined;
    for (const access of entry.resourceAccess.filter((a) => a.type === "Role")) {
      const value = resource?.appRoles.find((r) => r.id.toLowerCase() === access.id.toLowerCase())?.value;
      const wanted = permissions.some(
        (p) => p.resourceAppId === entry.resourceAppId && (p.appRoleId !== undefined ? p.appRoleId.toLowerCase() === access.id.toLowerCase() : value !== undefined && p.value.toLowerCase() === value.toLowerCase()),
      );
      if (!wanted) extras.push({ resourceName: resource?.displayName ?? entry.resourceAppId, resourceAppId: entry.resourceAppId, value: value ?? access.id, appRoleId: access.id });
    }
  }
  return extras;
}

function recorded(list: readonly { resourceAppId: string; appRoleId: string }[] | undefined, permission: PermissionRef): boolean {
  const appRoleId = permission.appRoleId?.toLowerCase();
  return (list ?? []).some((p) => p.resourceAppId === permission.resourceAppId.toLowerCase() && p.appRoleId === appRoleId);
}
