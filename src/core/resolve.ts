/**
 * Names → ids, against what the tenant itself says. Permission ids come from the resource service
 * principal's appRoles (application roles only: delegated scopes share names but not ids), role ids
 * from the role definitions. Unknown names are input errors with the closest valid names.
 */
import { InputError, InternalError } from "../shared/errors.js";
import { didYouMean } from "../shared/text.js";
import type { PermissionSpec } from "./profiles.js";
import { cloudOf, missingIn, type Cloud, type MissingPermission } from "./clouds.js";
import type { AppRoleAssignment, ObservedState, PermissionRef, RoleAssignment, RoleDefinition, RoleRef } from "./types.js";

export interface ResolvedPermission extends PermissionSpec {
  /** Undefined only when the resource SP is missing and will be created by this run. */
  appRoleId: string | undefined;
  /** Object id of the resource service principal, when it exists. */
  resourceSpId: string | undefined;
}

/**
 * By value, from the tenant's own resource service principal, in the tenant's cloud: a permission
 * Microsoft documents as missing in that cloud, and that the tenant does not offer, stops the plan
 * here (before any write) naming the profile entry to use instead (clouds.ts).
 */
export function resolvePermission(spec: PermissionSpec, observed: ObservedState): ResolvedPermission {
  const resource = observed.resources[spec.resourceAppId];
  if (resource === undefined) throw new InternalError(`observe did not read resource ${spec.resourceAppId}`);
  const cloud = cloudOf(observed.cloud);
  const missing = missingIn(cloud, spec);
  if (resource === null) {
    if (missing) throw new InputError(notInCloud(spec, cloud, missing, `this tenant has no ${spec.resourceName} service principal`));
    const fallback = cloud.fallbackAppRoleIds[spec.resourceAppId];
    if (fallback && !Object.hasOwn(fallback, spec.value)) {
      throw new InputError(
        `Permission '${spec.resourceName} / ${spec.value}' cannot be checked: this tenant has no ${spec.resourceName} service principal.${didYouMean(spec.value, Object.keys(fallback))}`,
      );
    }
    // No id documented for this cloud: the service principal is created first and the id read from it.
    return { ...spec, appRoleId: fallback?.[spec.value], resourceSpId: undefined };
  }
  const applicationRoles = resource.appRoles.filter((r) => r.allowedMemberTypes.includes("Application"));
  const role = applicationRoles.find((r) => r.value.toLowerCase() === spec.value.toLowerCase());
  if (!role) {
    if (missing) throw new InputError(notInCloud(spec, cloud, missing, `this tenant's ${spec.resourceName} service principal does not offer it`));
    throw new InputError(
      `Unknown application permission '${spec.value}' on ${spec.resourceName}.${didYouMean(spec.value, applicationRoles.map((r) => r.value))}`,
    );
  }
  return { ...spec, value: role.value, appRoleId: role.id, resourceSpId: resource.id };
}

function notInCloud(spec: PermissionSpec, cloud: Cloud, missing: MissingPermission, why: string): string {
  return `Permission '${spec.resourceName} / ${spec.value}' is not available in the ${cloud.name} cloud (${cloud.label}): ${why}, and ${missing.source}. Use '${missing.alternative}' in a profile file (--profile <file.yaml>) instead; nothing was changed.`;
}

/** Warnings for permissions Microsoft documents as missing in the cloud but this tenant offers (used as the tenant says). */
export function documentedMissing(permissions: readonly ResolvedPermission[], observed: ObservedState): string[] {
  const cloud = cloudOf(observed.cloud);
  return permissions.flatMap((p) => {
    const missing = p.resourceSpId === undefined ? undefined : missingIn(cloud, p);
    return missing
      ? [`${missing.source}, but this tenant's ${p.resourceName} service principal offers ${p.value}, so it is granted as the tenant says; if the platform's Exchange connection is refused, use '${missing.alternative}' instead`]
      : [];
  });
}

export function resolveRole(name: string, definitions: readonly RoleDefinition[]): RoleDefinition {
  const found = definitions.find((d) => d.displayName.toLowerCase() === name.toLowerCase());
  if (!found) {
    throw new InputError(`Unknown directory role '${name}'.${didYouMean(name, definitions.map((d) => d.displayName))}`);
  }
  return found;
}

/** A role assignment matches a definition by definition id or template id (Graph accepts both). */
export function roleMatches(roleDefinitionId: string, definition: RoleDefinition): boolean {
  const id = roleDefinitionId.toLowerCase();
  return id === definition.id.toLowerCase() || id === definition.templateId.toLowerCase();
}

/** An observed grant by name: resource display name and app role value, ids kept alongside. */
export function grantedPermission(assignment: AppRoleAssignment, observed: ObservedState): PermissionRef {
  const resource = Object.values(observed.resources).find((r) => r?.id === assignment.resourceId);
  const role = resource?.appRoles.find((r) => r.id === assignment.appRoleId);
  return {
    resourceName: resource?.displayName ?? assignment.resourceDisplayName ?? assignment.resourceId,
    resourceAppId: resource?.appId ?? "",
    value: role?.value ?? assignment.appRoleId,
    appRoleId: assignment.appRoleId,
  };
}

/** An observed directory role assignment by name (the id when the tenant does not say). */
export function assignedRole(assignment: RoleAssignment, definitions: readonly RoleDefinition[]): RoleRef {
  const definition = definitions.find((d) => roleMatches(assignment.roleDefinitionId, d));
  return { roleName: definition?.displayName ?? assignment.roleDefinitionId, roleDefinitionId: assignment.roleDefinitionId };
}
