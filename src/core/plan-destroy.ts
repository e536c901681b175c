/**
 * The destroy mode of the planner: what `remove` (and `plan --destroy`) would take away, and only
 * what entra-onboard did. An app it created (its uniqueName, proven ownership) is deleted, which
 * takes its service principal, consents and role assignments with it; the plan lists all of that
 * by name. An app it adopted is never deleted: only the certificates, consents, role assignments,
 * listed permissions and tag that connection.json records as entra-onboard's are taken back
 * (plan-undo.ts). An app that carries no mark of entra-onboard is never planned for anything.
 */
import { ForeignAppError } from "../shared/errors.js";
import { appStatus, foreignAppError, proveOwnership, requireManageable, selectApp } from "./identity.js";
import { planUndo } from "./plan-undo.js";
import { checkRecordedApp, ownersOf, plannedOwners } from "./plan-identity.js";
import { assignedRole, grantedPermission } from "./resolve.js";
import type { Action, DesiredState, ObservedState, Plan } from "./types.js";
import { isToolUniqueName } from "./unique-name.js";

export function planDestroy(desired: DesiredState, observed: ObservedState): Plan {
  const selection = selectApp(desired, observed.candidates, observed.record);
  requireManageable({ ...desired, adopt: true }, selection, undefined);
  const app = selection.kind === "found" ? selection.app : undefined;
  const proof = selection.kind === "found" ? proveOwnership(selection.marks, ownersOf(observed, selection.app)) : undefined;
  if (selection.kind === "found" && selection.marks.length === 0) {
    throw new ForeignAppError(
      `Refusing to delete '${selection.app.displayName}' (appId ${selection.app.appId}) or take anything from it: it was not created or adopted by entra-onboard. Delete it in the Entra admin center if you really mean to.`,
    );
  }
  if (app && proof && !proof.proven && !desired.adopt) {
    throw foreignAppError(app, proof, "destroy");
  }
  checkRecordedApp(desired, observed, app);
  const sp = app ? observed.servicePrincipal : undefined;
  const actions: Action[] = [];
  const warnings: string[] = [...(proof?.notes ?? [])];
  const unchanged: string[] = [];
  if (app && proof?.proven && isToolUniqueName(app.uniqueName)) {
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
  } else if (app) {
    const undo = planUndo(desired, observed, app);
    actions.push(...undo.actions);
    warnings.push(...undo.warnings);
    unchanged.push(...undo.kept);
  }
  return {
    formatVersion: 1,
    mode: "destroy",
    tenant: { id: observed.tenant.id, displayName: observed.tenant.displayName, initialDomain: observed.tenant.initialDomain },
    app: {
      displayName: desired.displayName,
      uniqueName: desired.uniqueName,
      profile: desired.profile.name,
      ...appStatus(selection, proof),
      servicePrincipalId: sp?.id,
      owners: plannedOwners(observed, app),
    },
    certificate: { state: "none", thumbprint: undefined },
    actions,
    findings: [],
    warnings,
    unchanged,
  };
}
