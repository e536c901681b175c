import { describe, expect, it } from "vitest";
import { preflightProblems } from "../../src/core/preflight.js";
import type { Action } from "../../src/core/types.js";
import { EXCHANGE_APP_ID, GRAPH_APP_ID, ROLE_TEMPLATE } from "../../src/core/well-known.js";

const T = ROLE_TEMPLATE;
const ALL_SCOPES = "Application.ReadWrite.All AppRoleAssignment.ReadWrite.All RoleManagement.ReadWrite.Directory User.Read";
const destroy: Action[] = [
  { kind: "delete-application", appObjectId: "o", appId: "a", displayName: "X", cascade: { servicePrincipalId: "sp", permissions: [], roles: [], certificates: [] } },
];
const fresh: Action[] = [
  { kind: "create-application", displayName: "X", uniqueName: "x", signInAudience: "AzureADMyOrg", tags: [], permissions: [], requiredResourceAccess: [] },
  { kind: "grant-app-role", resourceAppId: GRAPH_APP_ID, resourceName: "Microsoft Graph", value: "AccessReview.Read.All", appRoleId: "r" },
  { kind: "grant-app-role", resourceAppId: EXCHANGE_APP_ID, resourceName: "Office 365 Exchange Online", value: "Exchange.ManageAsApp", appRoleId: "e" },
  { kind: "assign-directory-role", roleName: "Global Reader", roleDefinitionId: T.globalReader },
];

describe("preflightProblems", () => {
  const cases: { reason: string; scp?: string; roles?: string[]; wids?: string[]; actions?: Action[]; want: RegExp[] }[] = [
    { reason: "Global Administrator can do everything", scp: ALL_SCOPES, wids: [T.globalAdministrator], want: [] },
    { reason: "PRA + Cloud Application Administrator can do everything", scp: ALL_SCOPES, wids: [T.privilegedRoleAdministrator, T.cloudApplicationAdministrator], want: [] },
    { reason: "without PRA: Graph consent and the role are refused, Exchange consent is fine", scp: ALL_SCOPES, wids: [T.cloudApplicationAdministrator], want: [/Microsoft Graph permissions/, /assign directory roles/] },
    { reason: "without the role-management scope", scp: "Application.ReadWrite.All AppRoleAssignment.ReadWrite.All", wids: [T.globalAdministrator], want: [/RoleManagement\.ReadWrite\.Directory/] },
    { reason: "a token with neither scopes nor roles cannot be judged", want: [] },
    { reason: "nothing to do needs nothing", scp: "User.Read", wids: [], actions: [], want: [] },
    { reason: "deleting the app needs an app admin role", scp: ALL_SCOPES, wids: [T.privilegedRoleAdministrator], actions: destroy, want: [/holds none of Global Administrator, Cloud Application Administrator, Application Administrator.*delete app registrations/] },
    { reason: "deleting the app needs Application.ReadWrite.All", scp: "User.Read", wids: [T.cloudApplicationAdministrator], actions: destroy, want: [/Application\.ReadWrite\.All delegated scope.*delete app registrations/] },
    { reason: "a Cloud Application Administrator can delete the app", scp: ALL_SCOPES, wids: [T.cloudApplicationAdministrator], actions: destroy, want: [] },
    { reason: "app-only token: judged by its application permissions", roles: ["Application.ReadWrite.All"], want: [/AppRoleAssignment\.ReadWrite\.All application permission.*Microsoft Graph/, /AppRoleAssignment\.ReadWrite\.All application permission.*Exchange/, /RoleManagement\.ReadWrite\.Directory application permission/] },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      const problems = preflightProblems(c.actions ?? fresh, { tid: "t", ...(c.scp ? { scp: c.scp } : {}), ...(c.roles ? { roles: c.roles } : {}), ...(c.wids ? { wids: c.wids } : {}) });
      expect(problems).toHaveLength(c.want.length);
      c.want.forEach((pattern, i) => expect(problems[i]).toMatch(pattern));
    });
  }
});
