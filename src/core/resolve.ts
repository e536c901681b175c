/**
 * Names → ids, against what the tenant itself says. Permission ids come from the resource service
 * principal's appRoles (application roles only: delegated scopes share names but not ids), role ids
 * from the role definitions. Unknown names are input errors with the closest valid names.
 */
import { InputError } from "../shared/errors.js";
import { didYouMean } from "../shared/text.js";
import type { PermissionSpec } from "./profiles.js";
import type { AppRoleAssignment, ObservedState, PermissionRef, RoleAssignment, RoleDefinition, RoleRef } from "./types.js";
import { FALLBACK_APP_ROLE_IDS } from "./well-known.js";

export interface ResolvedPermission extends PermissionSpec {
  /** Undefined only when the resource SP is missing and will be created by this run. */
  appRoleId: string | undefined;
  /** Object id of the resource service principal, when it exists. */
  resourceSpId: string | undefined;
}

export function resolvePermission(spec: PermissionSpec, observed: ObservedState): ResolvedPermission {
  const resource = observed.resources[spec.resourceAppId];
  if (resource === undefined) throw new Error(`observe did not read resource ${spec.resourceAppId}`);
  if (resource === null) {
    const fallback = FALLBACK_APP_ROLE_IDS[spec.resourceAppId];
    if (!fallback || !Object.hasOwn(fallback, spec.value)) {
      throw new InputError(
        `Permission '${spec.resourceName} / ${spec.value}' cannot be checked: this tenant has no ${spec.resourceName} service principal.${fallback ? didYouMean(spec.value, Object.keys(fallback)) : ""}`,
      );
    }
    return { ...spec, appRoleId: fallback[spec.value], resourceSpId: undefined };
  }
  const applicationRoles = resource.appRoles.filter((r) => r.allowedMemberTypes.includes("Application"));
  const role = applicationRoles.find((r) => r.value.toLowerCase() === spec.value.toLowerCase());
  if (!role) {
    throw new InputError(
      `Unknown application permission '${spec.value}' on ${spec.resourceName}.${didYouMean(spec.value, applicationRoles.map((r) => r.value))}`,
    );
  }
  return { ...spec, value: role.value, appRoleId: role.id, resourceSpId: resource.id };
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
