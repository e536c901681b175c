/**
 * First-party data every tenant has: the Microsoft Graph and Exchange Online resource service
 * principals (their permissions, as the global cloud has them; clouds.ts derives the other clouds')
 * and the built-in directory role definitions. Application
 * permissions and delegated scopes deliberately share names but not ids, so a client that ignores
 * `allowedMemberTypes` / picks from `oauth2PermissionScopes` grants the wrong thing and the fake
 * rejects it.
 */
import type { AppRoleJson, PermissionScopeJson, RoleDefinitionJson } from "./model.js";

export const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
export const EXCHANGE_ONLINE_APP_ID = "00000002-0000-0ff1-ce00-000000000000";
/** "Microsoft Exchange Online Protection" (see clouds.ts: seeded in the US government clouds, creatable everywhere). */
export const EXCHANGE_ONLINE_PROTECTION_APP_ID = "00000007-0000-0ff1-ce00-000000000000";
/** The Microsoft services tenant that owns first-party apps. */
export const MICROSOFT_SERVICES_TENANT_ID = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";

export const RoleTemplateIds = {
  GlobalAdministrator: "62e90394-69f5-4237-9190-012177145e10",
  GlobalReader: "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
  PrivilegedRoleAdministrator: "e8611ab8-c189-46e8-94e1-60213ab1f814",
  ApplicationAdministrator: "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
  CloudApplicationAdministrator: "158c047a-c907-4556-b7ef-446551a6b5f7",
  ExchangeAdministrator: "29232cdf-9323-42fd-ade2-1d097af3e4de",
  ApplicationDeveloper: "cf1c38e5-3621-4004-a7cb-879624dced7c",
  SecurityReader: "5d6b6bb7-de71-4623-b4af-96380a352509",
  SecurityAdministrator: "194ae4cb-b126-40b2-bd5b-6091b380977d",
} as const;

/**
 * First-party data is the same in every tenant and never changes: frozen, so a sandbox of 1,000
 * tenants stores it once (store.ts keeps frozen data shared; readers get copies).
 */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

function appRole(id: string, value: string, displayName: string): AppRoleJson {
  return {
    allowedMemberTypes: ["Application"],
    description: `Allows the app to ${displayName.toLowerCase()} without a signed-in user.`,
    displayName,
    id,
    isEnabled: true,
    origin: "Application",
    value,
  };
}

function scope(id: string, value: string, displayName: string): PermissionScopeJson {
  return {
    adminConsentDescription: `Allows the app to ${displayName.toLowerCase()} on behalf of the signed-in user.`,
    adminConsentDisplayName: displayName,
    id,
    isEnabled: true,
    type: "Admin",
    userConsentDescription: null,
    userConsentDisplayName: null,
    value,
  };
}

/** App role ids as the Microsoft Graph permissions reference lists them. */
const graphAppRoles: readonly AppRoleJson[] = deepFreeze([
  appRole("d07a8cc0-3d51-4b77-b3b0-32704d1f69fa", "AccessReview.Read.All", "Read all access reviews"),
  appRole("7ab1d382-f21e-4acd-a863-ba3e13f7da61", "Directory.Read.All", "Read directory data"),
  appRole("498476ce-e0fe-48b0-b801-37ba7e2685c6", "Organization.Read.All", "Read organization information"),
  appRole("9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30", "Application.Read.All", "Read all applications"),
  appRole("1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9", "Application.ReadWrite.All", "Read and write all applications"),
  appRole("18a4783c-866b-4cc7-a460-3d5e5662c884", "Application.ReadWrite.OwnedBy", "Manage apps that this app creates or owns"),
  appRole("df021288-bdef-4463-88db-98f22de89214", "User.Read.All", "Read all users' full profiles"),
  appRole("5b567255-7703-4780-807c-7be8301ae99b", "Group.Read.All", "Read all groups"),
  appRole("246dd0d5-5bd0-4def-940b-0421030a5b68", "Policy.Read.All", "Read your organization's policies"),
  appRole("b0afded3-3588-46d8-8b3d-9842eff778da", "AuditLog.Read.All", "Read all audit log data"),
  appRole("dbb9058a-0e50-45d7-ae91-66909b5d4664", "Domain.Read.All", "Read domains"),
  appRole("230c1aed-a721-4c5d-9cb4-a90514e508ef", "Reports.Read.All", "Read all usage reports"),
  appRole("483bed4a-2ad3-4361-a73b-c83ccdbdc53c", "RoleManagement.Read.Directory", "Read all directory RBAC settings"),
  appRole("9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8", "RoleManagement.ReadWrite.Directory", "Read and write all directory RBAC settings"),
  appRole("06b708a9-e830-4db3-a914-8e69da51d44f", "AppRoleAssignment.ReadWrite.All", "Manage app permission grants and app role assignments"),
  appRole("bf394140-e372-4bf9-a898-299cfc7564e5", "SecurityEvents.Read.All", "Read your organization's security events"),
]);

/**
 * Delegated scopes. Some ids are listed in the Microsoft Graph permissions reference; the rest only
 * need to differ from the app role ids here.
 */
const graphScopes: readonly PermissionScopeJson[] = deepFreeze([
  scope("ebfcd32b-babb-40f4-a14b-42706e83bd28", "AccessReview.Read.All", "Read all access reviews that user can access"),
  scope("06da0dbc-49e2-44d2-8312-53f166ab848a", "Directory.Read.All", "Read directory data"),
  scope("4908d5b9-3fb2-4b1e-9336-1888b7937185", "Organization.Read.All", "Read organization information"),
  scope("c79f8feb-a9db-4090-85f9-90d820caa0eb", "Application.Read.All", "Read applications"),
  scope("bdfbf15f-ee85-4955-8675-146e8e5296b5", "Application.ReadWrite.All", "Read and write all applications"),
  scope("a154be20-db9c-4678-8ab7-66f6cc099a59", "User.Read.All", "Read all users' full profiles"),
  scope("e1fe6dd8-ba31-4d61-89e7-88639da4683d", "User.Read", "Sign in and read user profile"),
  scope("5f8c59db-677d-491f-a6b8-5f174b11ec1d", "Group.Read.All", "Read all groups"),
  scope("572fea84-0151-49b2-9301-11cb16974376", "Policy.Read.All", "Read your organization's policies"),
  scope("e4c9e354-4dc5-45b8-9e7c-e1393b0b1a20", "AuditLog.Read.All", "Read audit log data"),
  scope("2f9ee017-59c1-4f1d-9472-bd5529a7b311", "Domain.Read.All", "Read domains"),
  scope("02e97553-ed7b-43d0-ab3c-f8bace0d040c", "Reports.Read.All", "Read usage reports"),
  scope("d01b97e9-cbc0-49fe-810a-750afd5527a3", "RoleManagement.ReadWrite.Directory", "Read and write directory RBAC settings"),
  scope("84bccea3-f856-4a8a-967b-dbe0a3d53a64", "AppRoleAssignment.ReadWrite.All", "Manage app permission grants and app role assignments"),
]);

const exchangeAppRoles: readonly AppRoleJson[] = deepFreeze([
  appRole("dc50a0fb-09a3-484d-be87-e023b12c6440", "Exchange.ManageAsApp", "Manage Exchange As Application"),
  appRole("dc890d15-9560-4a4c-9b7f-a736ec74ec40", "full_access_as_app", "Use Exchange Web Services with full access to all mailboxes"),
  appRole("810c84a8-4a9e-49e6-bf7d-12d183f40d01", "Mail.Read", "Read mail in all mailboxes"),
]);

const exchangeScopes: readonly PermissionScopeJson[] = deepFreeze([
  scope("ab4f2b77-0b06-4fc1-a9de-02113fc2ab7c", "Exchange.Manage", "Manage Exchange configuration"),
  scope("3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5", "EWS.AccessAsUser.All", "Access mailboxes as the signed-in user via Exchange Web Services"),
]);

export interface FirstPartyApp {
  appId: string;
  displayName: string;
  appRoles: readonly AppRoleJson[];
  oauth2PermissionScopes: readonly PermissionScopeJson[];
  servicePrincipalNames: readonly string[];
}

export const firstPartyApps: readonly FirstPartyApp[] = [
  {
    appId: MICROSOFT_GRAPH_APP_ID,
    displayName: "Microsoft Graph",
    appRoles: graphAppRoles,
    oauth2PermissionScopes: graphScopes,
    servicePrincipalNames: [MICROSOFT_GRAPH_APP_ID, "https://graph.microsoft.com", "https://graph.microsoft.com/"],
  },
  {
    appId: EXCHANGE_ONLINE_APP_ID,
    displayName: "Office 365 Exchange Online",
    appRoles: exchangeAppRoles,
    oauth2PermissionScopes: exchangeScopes,
    servicePrincipalNames: [EXCHANGE_ONLINE_APP_ID, "https://outlook.office365.com/", "https://outlook.office.com/"],
  },
];

const builtInRoles: ReadonlyArray<[string, string]> = [
  ["f2ef992c-3afb-46b9-b7cf-a126ee74c451", "Global Reader"],
  ["29232cdf-9323-42fd-ade2-1d097af3e4de", "Exchange Administrator"],
  ["31392ffb-586c-42d1-9346-e59415a2cc4e", "Exchange Recipient Administrator"],
  ["62e90394-69f5-4237-9190-012177145e10", "Global Administrator"],
  ["e8611ab8-c189-46e8-94e1-60213ab1f814", "Privileged Role Administrator"],
  ["9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", "Application Administrator"],
  ["158c047a-c907-4556-b7ef-446551a6b5f7", "Cloud Application Administrator"],
  ["5d6b6bb7-de71-4623-b4af-96380a352509", "Security Reader"],
  ["17315797-102d-40b4-93e0-432062caca18", "Compliance Administrator"],
  ["fe930be7-5e62-47db-91af-98c3a49a38b1", "User Administrator"],
  ["194ae4cb-b126-40b2-bd5b-6091b380977d", "Security Administrator"],
  ["88d8e3e3-8f55-4a1e-953a-9b9898b8876b", "Directory Readers"],
  ["cf1c38e5-3621-4004-a7cb-879624dced7c", "Application Developer"],
];

/** Built-in definitions: `id` equals `templateId`, as Graph serves them. Shared and frozen: copy before changing. */
export function builtInRoleDefinitions(): readonly RoleDefinitionJson[] {
  return BUILT_IN_DEFINITIONS;
}

const BUILT_IN_DEFINITIONS: readonly RoleDefinitionJson[] = deepFreeze(
  builtInRoles.map(([id, displayName]) => ({
    id,
    templateId: id,
    displayName,
    description: `Built-in role: ${displayName}.`,
    isBuiltIn: true,
    isEnabled: true,
    resourceScopes: ["/"],
    rolePermissions: [{ allowedResourceActions: [], condition: null }],
    version: "1",
  })),
);
