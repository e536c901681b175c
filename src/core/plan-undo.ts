/**
 * remove for an app entra-onboard adopted rather than created: take back exactly what
 * connection.json records as added by entra-onboard (certificates by thumbprint, consents by
 * resource and app role, directory roles by definition, API permissions it listed, its tags), and
 * leave everything that was there before. Without a record for this app, only the tag is entra-
 * onboard's for sure; the plan then says what stays.
 */
import { assignedRole, grantedPermission, roleMatches } from "./resolve.js";
import type { Action, DesiredState, ManagedRecord, ObservedApp, ObservedState, PermissionRef, RequiredResourceAccess } from "./types.js";

export interface UndoPlan {
  actions: Action[];
  warnings: string[];
  /** What stays on the app, by name (not added by entra-onboard, or not known to be). */
  kept: string[];
}

const NOTHING: ManagedRecord = { certificates: [], certificateDetails: [], permissions: [], roles: [], listedPermissions: [], tags: [] };

export function planUndo(desired: DesiredState, observed: ObservedState, app: ObservedApp): UndoPlan {
  const recorded = observed.record?.appId === app.appId.toLowerCase() ? observed.record : undefined;
  const managed = recorded ?? NOTHING;
  const actions: Action[] = [];
  const kept: string[] = [];
  const warnings: string[] = [];
  const sp = observed.servicePrincipal;

  const ours = app.keyCredentials.filter((k) => k.thumbprint !== undefined && managed.certificates.includes(k.thumbprint.toUpperCase()));
  if (ours.length > 0) actions.push({ kind: "remove-certificates", appObjectId: app.id, appId: app.appId, thumbprints: ours.map((k) => k.thumbprint ?? k.keyId) });
  for (const k of app.keyCredentials.filter((k) => !ours.includes(k))) kept.push(`certificate ${k.thumbprint ?? k.keyId}`);

  for (const grant of sp ? observed.appRoleAssignments : []) {
    const permission = grantedPermission(grant, observed);
    const added = managed.permissions.some((p) => p.resourceAppId === permission.resourceAppId.toLowerCase() && p.appRoleId === grant.appRoleId.toLowerCase());
    if (sp && added) actions.push({ kind: "revoke-app-role", servicePrincipalId: sp.id, assignmentId: grant.id, ...permission });
    else kept.push(`admin consent: ${permission.resourceName} / ${permission.value}`);
  }
  for (const assignment of sp ? observed.roleAssignments : []) {
    const role = assignedRole(assignment, observed.roleDefinitions);
    const definition = observed.roleDefinitions.find((d) => roleMatches(assignment.roleDefinitionId, d)) ?? { id: assignment.roleDefinitionId, templateId: assignment.roleDefinitionId, displayName: role.roleName };
    const added = managed.roles.some((r) => roleMatches(r, definition));
    if (added) actions.push({ kind: "remove-directory-role", assignmentId: assignment.id, ...role });
    else kept.push(`directory role: ${role.roleName}`);
  }

  const untag = planUntag(desired, observed, app, managed);
  if (untag) actions.push(untag);
  if (!recorded) {
    warnings.push(
      `connection.json in --out does not record what entra-onboard added to app ${app.appId} (adopted, so it is not deleted): only its tag is taken away. Run remove with the --out used when it was adopted, or remove the rest by hand`,
    );
  }
  return { actions, warnings, kept };
}

function planUntag(desired: DesiredState, observed: ObservedState, app: ObservedApp, managed: ManagedRecord): Action | undefined {
  const removedTags = app.tags.filter((t) => t === desired.ownerTag || managed.tags.includes(t));
  const unlisted: PermissionRef[] = [];
  const requiredResourceAccess: RequiredResourceAccess[] = [];
  for (const entry of app.requiredResourceAccess) {
    const resource = observed.resources[entry.resourceAppId];
    const listedByUs = (id: string) => managed.listedPermissions.some((p) => p.resourceAppId === entry.resourceAppId.toLowerCase() && p.appRoleId === id.toLowerCase());
    const remaining = entry.resourceAccess.filter((a) => !(a.type === "Role" && listedByUs(a.id)));
    for (const a of entry.resourceAccess.filter((x) => !remaining.includes(x))) {
      const value = resource?.appRoles.find((r) => r.id === a.id)?.value ?? a.id;
      unlisted.push({ resourceName: resource?.displayName ?? entry.resourceAppId, resourceAppId: entry.resourceAppId, value, appRoleId: a.id });
    }
    // An entry emptied by this undo goes; one that was empty before stays as it was.
    if (remaining.length > 0 || entry.resourceAccess.length === 0) requiredResourceAccess.push({ resourceAppId: entry.resourceAppId, resourceAccess: remaining });
  }
  if (removedTags.length === 0 && unlisted.length === 0) return undefined;
  return {
    kind: "untag-application",
    appObjectId: app.id,
    appId: app.appId,
    tags: app.tags.filter((t) => !removedTags.includes(t)),
    removedTags,
    requiredResourceAccess: unlisted.length > 0 ? requiredResourceAccess : undefined,
    unlistedPermissions: unlisted,
  };
}
