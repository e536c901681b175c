/**
 * computePlan: (desired, observed) → typed actions. Pure and synchronous; "now" is an argument.
 * plan, apply, status, remove and bulk all call this; only what happens afterwards differs. The
 * "apply" mode plans what onboarding still needs; the "destroy" mode (plan-destroy.ts) plans
 * taking it away again.
 */
import { planCertificate } from "./plan-certificate.js";
import { planDestroy } from "./plan-destroy.js";
import { appStatus, proveOwnership, requireManageable, selectApp } from "./identity.js";
import { checkRecordedApp, ownersOf, plannedOwners } from "./plan-identity.js";
import { planExtras, pruneScope } from "./plan-prune.js";
import { isPrivilegedPermission, isPrivilegedRole } from "./privilege.js";
import { documentedMissing, resolvePermission, resolveRole, roleMatches, type ResolvedPermission } from "./resolve.js";
import type { Action, DesiredState, Finding, ObservedApp, ObservedState, PermissionRef, Plan, PlanMode, RequiredResourceAccess } from "./types.js";
import { isToolUniqueName } from "./unique-name.js";

const SINGLE_TENANT = "AzureADMyOrg";

export function computePlan(desired: DesiredState, observed: ObservedState, now: Date, mode: PlanMode = "apply"): Plan {
  if (mode === "destroy") return planDestroy(desired, observed);
  const selection = selectApp(desired, observed.candidates, observed.record);
  const app = selection.kind === "found" ? selection.app : undefined;
  const proof = selection.kind === "found" ? proveOwnership(selection.marks, ownersOf(observed, selection.app)) : undefined;
  requireManageable(desired, selection, proof);
  checkRecordedApp(desired, observed, app);
  const permissions = desired.profile.permissions.map((p) => resolvePermission(p, observed));
  const roles = desired.profile.roles.map((name) => resolveRole(name, observed.roleDefinitions));
  const actions: Action[] = [];
  const findings: Finding[] = [];
  const unchanged: string[] = [];
  const warnings: string[] = [...(proof?.notes ?? []), ...documentedMissing(permissions, observed)];
  // Grants, roles and listed permissions the profile does not ask for: findings, or with --prune removals.
  const extras = app ? planExtras(desired, observed, app, permissions, roles, pruneScope(observed, app, proof?.proven === true && isToolUniqueName(app.uniqueName))) : undefined;

  for (const p of permissions) {
    if (observed.resources[p.resourceAppId] === null && !actions.some((a) => a.kind === "create-resource-service-principal" && a.resourceAppId === p.resourceAppId)) {
      actions.push({ kind: "create-resource-service-principal", resourceAppId: p.resourceAppId, resourceName: p.resourceName });
    }
  }

  const desiredAccess = requiredAccessFor(permissions);
  if (!app) {
    actions.push({
      kind: "create-application",
      displayName: desired.displayName,
      uniqueName: desired.uniqueName,
      signInAudience: SINGLE_TENANT,
      tags: [desired.ownerTag],
      permissions: permissions.map(permissionRef),
      requiredResourceAccess: desiredAccess,
    });
  } else {
    const adopting = proof !== undefined && !proof.proven;
    if (adopting && !app.tags.includes(desired.ownerTag)) {
      actions.push({ kind: "adopt-application", appObjectId: app.id, appId: app.appId, tags: [...app.tags, desired.ownerTag] });
    }
    if (adopting && proof.untrustedOwners.length > 0) {
      warnings.push(`--adopt takes over app ${app.appId} although its owners include ${proof.untrustedOwners.join("; ")}: they can add a credential to it and sign in as it, with every permission and role this run grants`);
    }
    const update = planApplicationUpdate(app, permissions, desired, adopting, extras?.unlist ?? []);
    if (update.finding) findings.push(update.finding);
    if (update.action) actions.push(update.action);
    else unchanged.push(`application ${app.displayName} (appId ${app.appId}): single-tenant, API permissions listed`);
  }

  const certificate = planCertificate(desired, observed, app, now);
  if (certificate.action) actions.push(certificate.action);
  findings.push(...certificate.findings);
  unchanged.push(...certificate.unchanged);

  const sp = app ? observed.servicePrincipal : undefined;
  if (!sp) actions.push({ kind: "create-service-principal" });
  else unchanged.push(`service principal ${sp.id}`);

  const assignments = sp ? observed.appRoleAssignments : [];
  for (const p of permissions) {
    const granted = p.resourceSpId !== undefined && assignments.some((a) => a.resourceId === p.resourceSpId && a.appRoleId === p.appRoleId);
    if (granted) unchanged.push(`admin consent: ${p.resourceName} / ${p.value}`);
    else {
      const resourceCreated = observed.resources[p.resourceAppId] === null;
      actions.push({ kind: "grant-app-role", ...permissionRef(p), appRoleId: resourceCreated ? undefined : p.appRoleId, privileged: isPrivilegedPermission(p) });
    }
  }

  const roleAssignments = sp ? observed.roleAssignments.filter((r) => r.directoryScopeId === "/") : [];
  for (const role of roles) {
    if (roleAssignments.some((r) => roleMatches(r.roleDefinitionId, role))) unchanged.push(`directory role: ${role.displayName}`);
    else actions.push({ kind: "assign-directory-role", roleName: role.displayName, roleDefinitionId: role.templateId || role.id, privileged: isPrivilegedRole(role.displayName) });
  }
  if (extras) {
    actions.push(...extras.actions);
    findings.push(...extras.findings);
  }

  return {
    formatVersion: 1,
    mode: "apply",
    tenant: { id: observed.tenant.id, displayName: observed.tenant.displayName, initialDomain: observed.tenant.initialDomain },
    app: {
      displayName: desired.displayName,
      uniqueName: desired.uniqueName,
      profile: desired.profile.name,
      ...appStatus(selection, proof),
      servicePrincipalId: sp?.id,
      owners: plannedOwners(observed, app),
    },
    certificate: certificate.certificate,
    actions,
    findings,
    warnings: [...warnings, ...certificate.warnings],
    unchanged,
  };
}

function permissionRef(p: ResolvedPermission): PermissionRef {
  return { resourceName: p.resourceName, resourceAppId: p.resourceAppId, value: p.value, appRoleId: p.appRoleId };
}

function requiredAccessFor(permissions: readonly ResolvedPermission[]): RequiredResourceAccess[] {
  const byResource = new Map<string, RequiredResourceAccess>();
  for (const p of permissions) {
    if (!p.appRoleId) continue;
    const entry = byResource.get(p.resourceAppId) ?? { resourceAppId: p.resourceAppId, resourceAccess: [] };
    entry.resourceAccess.push({ id: p.appRoleId, type: "Role" });
    byResource.set(p.resourceAppId, entry);
  }
  return [...byResource.values()];
}

/**
 * Adds missing permission entries to requiredResourceAccess (removes only those --prune takes off,
 * `unlist`) and fixes the audience. A display name other than --name is a question for the admin,
 * not a silent rename: --rename renames it (and tags it for the new name), otherwise it is a
 * finding apply refuses.
 */
function planApplicationUpdate(app: ObservedApp, permissions: readonly ResolvedPermission[], desired: DesiredState, adopting: boolean, unlist: readonly PermissionRef[]): { action?: Action; finding?: Finding } {
  const reasons: string[] = [];
  const addedPermissions: PermissionRef[] = [];
  const unlisted = (resourceAppId: string, access: { id: string; type: string }) =>
    access.type === "Role" && unlist.some((u) => u.resourceAppId === resourceAppId && u.appRoleId?.toLowerCase() === access.id.toLowerCase());
  // An entry emptied by --prune goes; one that was empty before stays as it was (as remove does).
  const merged: RequiredResourceAccess[] = app.requiredResourceAccess
    .map((r) => ({ resourceAppId: r.resourceAppId, resourceAccess: r.resourceAccess.filter((a) => !unlisted(r.resourceAppId, a)), before: r.resourceAccess.length }))
    .filter((r) => r.resourceAccess.length > 0 || r.before === 0)
    .map(({ resourceAppId, resourceAccess }) => ({ resourceAppId, resourceAccess }));
  for (const p of permissions) {
    if (!p.appRoleId) continue;
    let entry = merged.find((r) => r.resourceAppId === p.resourceAppId);
    if (!entry) {
      entry = { resourceAppId: p.resourceAppId, resourceAccess: [] };
      merged.push(entry);
    }
    if (!entry.resourceAccess.some((a) => a.id === p.appRoleId && a.type === "Role")) {
      entry.resourceAccess.push({ id: p.appRoleId, type: "Role" });
      addedPermissions.push(permissionRef(p));
      reasons.push(`list API permission ${p.resourceName} / ${p.value}`);
    }
  }
  const changes: Extract<Action, { kind: "update-application" }>["changes"] = {};
  if (addedPermissions.length > 0 || unlist.length > 0) changes.requiredResourceAccess = merged;
  if (app.signInAudience !== SINGLE_TENANT) {
    changes.signInAudience = SINGLE_TENANT;
    reasons.push(`signInAudience ${app.signInAudience ?? "unset"} → ${SINGLE_TENANT}`);
  }
  let finding: Finding | undefined;
  if (app.displayName !== desired.displayName && desired.rename) {
    changes.displayName = desired.displayName;
    reasons.push(`rename '${app.displayName}' → '${desired.displayName}'`);
    if (!adopting && !app.tags.includes(desired.ownerTag)) {
      changes.tags = [...app.tags, desired.ownerTag];
      reasons.push(`add tag ${desired.ownerTag}`);
    }
  } else if (app.displayName !== desired.displayName) {
    finding = {
      kind: "name-differs",
      message: `the app registration found (appId ${app.appId}) is named '${app.displayName}', not '${desired.displayName}' (--name): pass --rename to rename it, or --name '${app.displayName}' to keep its name (another app needs its own --out)`,
    };
  }
  const removed = unlist.length > 0 ? { removedPermissions: [...unlist] } : {};
  const action: Action | undefined = reasons.length === 0 && unlist.length === 0 ? undefined : { kind: "update-application", appObjectId: app.id, changes, addedPermissions, ...removed, reasons };
  return { ...(action ? { action } : {}), ...(finding ? { finding } : {}) };
}

/** True when apply has nothing to do and status has nothing to report. */
export function inSync(plan: Plan): boolean {
  return plan.actions.length === 0 && plan.findings.length === 0;
}
