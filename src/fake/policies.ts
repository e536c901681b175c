/**
 * /policies: the tenant's default app management policy (Graph API reference "Get
 * tenantAppManagementPolicy") and its authorization policy's "Users can register applications"
 * switch (Graph API reference "Get authorizationPolicy", `defaultUserRolePermissions.allowedToCreateApps`).
 * Read-only here: tests and the sandbox change them through the FakeTenant seed and setters.
 */
import { appManagementPolicyJson } from "./app-management-policy.js";
import { requirePolicyRead } from "./auth.js";
import { entity, methodNotAllowed, unknownSegment, type RouteContext } from "./route-context.js";
import type { FakeResponse } from "./types.js";

function authorizationPolicy(ctx: RouteContext): Record<string, unknown> {
  return {
    id: "authorizationPolicy",
    displayName: "Authorization Policy",
    description: "Used to manage authorization related settings across the company.",
    allowInvitesFrom: "everyone",
    allowedToUseSSPR: true,
    blockMsolPowerShell: false,
    defaultUserRolePermissions: {
      allowedToCreateApps: ctx.tenant.usersCanRegisterApps,
      allowedToCreateSecurityGroups: true,
      allowedToCreateTenants: true,
      allowedToReadBitlockerKeysForOwnedDevice: true,
      allowedToReadOtherUsers: true,
    },
    guestUserRoleId: "10dae51f-b6af-4016-8d66-8c2a99b929b3",
  };
}

export function policiesRoute(ctx: RouteContext): FakeResponse {
  const [, policy, extra] = ctx.url.segments;
  if (extra !== undefined) throw unknownSegment(extra.raw);
  if (policy?.name === "defaultAppManagementPolicy" && policy.key === undefined) {
    if (ctx.method !== "GET") throw methodNotAllowed(ctx.method);
    requirePolicyRead(ctx.caller, "Policy.ReadWrite.ApplicationConfiguration");
    return entity(ctx, "policies/defaultAppManagementPolicy", appManagementPolicyJson(ctx.tenant.appManagementPolicy));
  }
  if (policy?.name === "authorizationPolicy" && policy.key === undefined) {
    if (ctx.method !== "GET") throw methodNotAllowed(ctx.method);
    requirePolicyRead(ctx.caller, "Policy.ReadWrite.Authorization");
    return entity(ctx, "policies/authorizationPolicy", authorizationPolicy(ctx));
  }
  throw unknownSegment(policy?.raw ?? "policies");
}
