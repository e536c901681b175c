/**
 * The destroy mode of the planner: what `remove` (and `plan --destroy`) would take away. Today
 * that is one action, deleting the app registration this tool owns, which takes its service
 * principal, consents and role assignments with it; the plan lists all of that by name. A plan is
 * a list of actions, so finer undo steps (revoke one grant, drop one certificate) can join as
 * action kinds of their own. A foreign app is never planned for deletion.
 */
import { ForeignAppError } from "../shared/errors.js";
import { appStatus, requireManageable, selectApp } from "./identity.js";
import { assignedRole, grantedPermission } from "./resolve.js";
import type { Action, DesiredState, ObservedState, Plan } from "./types.js";

export function planDestroy(desired: DesiredState, observed: ObservedState): Plan {
  const selection = selectApp(desired, observed.candidates);
  if (selection.kind === "foreign") {
    throw new ForeignAppError(
      `Refusing to delete '${selection.app.displayName}' (appId ${selection.app.appId}): it was not created or adopted by entra-onboard. Delete it in the Entra admin center if you really mean to.`,
    );
  }
  requireManageable(desired, selection);
  const actions: Action[] = [];
  const app = selection.kind === "owned" ? selection.app : undefined;
  const sp = app ? observed.servicePrincipal : undefined;
  if (app) {
    actions.push({
      kind: "delete-application",
      appObjectId: app.id,
      appId: app.appId,
      displayName: app.displayName,
      cascade: {
        servicePrincipalId: sp?.id,
        permissions: sp ? observed.appRoleAssignments.map((a) => grantedPermission(a, observed)) : [],
        roles: sp ? observed.roleAssignments.map((r) => assignedRole(r, observed.roleDefinitions)) : [],
        certificates: app.keyCredentials.map((k) => k.thumbprint ?? k.keyId),
      },
    });
  }
  return {
    formatVersion: 1,
    mode: "destroy",
    tenant: { id: observed.tenant.id, displayName: observed.tenant.displayName, initialDomain: observed.tenant.initialDomain },
    app: { displayName: desired.displayName, uniqueName: desired.uniqueName, profile: desired.profile.name, ...appStatus(selection), servicePrincipalId: sp?.id },
    certificate: { state: "none", thumbprint: undefined },
    actions,
    findings: [],
    warnings: [],
    unchanged: [],
  };
}
