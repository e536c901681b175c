/**
 * Identifiers that are the same in every tenant. Permission and role *ids* are deliberately not
 * here: they are resolved by name at run time (see plan.ts), because third-party lists get them
 * wrong. Fallback ids for a resource whose service principal does not exist yet are per cloud (clouds.ts).
 */
export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
export const EXCHANGE_APP_ID = "00000002-0000-0ff1-ce00-000000000000";
/**
 * "Microsoft Exchange Online Protection": the resource whose Exchange.ManageAsApp the app-only page
 * ("App-only authentication in Exchange Online PowerShell and Security & Compliance PowerShell")
 * names for GCC High and DoD organizations (see clouds.ts).
 */
export const EXCHANGE_ONLINE_PROTECTION_APP_ID = "00000007-0000-0ff1-ce00-000000000000";

/** First-party APIs a profile may name, with the display names the portal shows. */
export const KNOWN_RESOURCES: readonly { name: string; appId: string; aliases: readonly string[] }[] = [
  { name: "Microsoft Graph", appId: GRAPH_APP_ID, aliases: ["graph"] },
  {
    name: "Office 365 Exchange Online",
    appId: EXCHANGE_APP_ID,
    aliases: ["exchange", "exchange online"],
  },
  { name: "Microsoft Exchange Online Protection", appId: EXCHANGE_ONLINE_PROTECTION_APP_ID, aliases: ["exchange online protection", "eop"] },
];

/** Built-in directory role template ids ("Microsoft Entra built-in roles", Microsoft Learn), used to read the admin's `wids` claim. */
export const ROLE_TEMPLATE = {
  globalAdministrator: "62e90394-69f5-4237-9190-012177145e10",
  privilegedRoleAdministrator: "e8611ab8-c189-46e8-94e1-60213ab1f814",
  cloudApplicationAdministrator: "158c047a-c907-4556-b7ef-446551a6b5f7",
  applicationAdministrator: "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
  globalReader: "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
} as const;

export const ROLE_NAMES: Readonly<Record<string, string>> = {
  [ROLE_TEMPLATE.globalAdministrator]: "Global Administrator",
  [ROLE_TEMPLATE.privilegedRoleAdministrator]: "Privileged Role Administrator",
  [ROLE_TEMPLATE.cloudApplicationAdministrator]: "Cloud Application Administrator",
  [ROLE_TEMPLATE.applicationAdministrator]: "Application Administrator",
  [ROLE_TEMPLATE.globalReader]: "Global Reader",
  "29232cdf-9323-42fd-ade2-1d097af3e4de": "Exchange Administrator",
  "31392ffb-586c-42d1-9346-e59415a2cc4e": "Exchange Recipient Administrator",
  "5d6b6bb7-de71-4623-b4af-96380a352509": "Security Reader",
  "17315797-102d-40b4-93e0-432062caca18": "Compliance Administrator",
};

/** Microsoft Graph Command Line Tools: a public client every tenant can consent to. */
export const DEFAULT_CLIENT_ID = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

/**
 * The least delegated scopes that do the whole job (the "Permissions" section of each call's Graph
 * v1.0 reference page, e.g. "Upsert application", "Grant an appRoleAssignment for a service
 * principal", "Create unifiedRoleAssignment"): apps and service principals, app role assignments
 * (Application.Read.All is implied by Application.ReadWrite.All), and directory role assignments.
 * User.Read lets /organization return the initial domain ("Get organization"). User.ReadBasic.All
 * (names and UPNs only, the least user-read scope) lets plan NAME the users who own an app it
 * refuses: without it Graph returns owners with null names ("Limited information returned for
 * inaccessible member objects", Microsoft Graph permissions overview), and "owned by 3f2a…" is not
 * something an admin can act on. Nothing depends on it: a token without it gets owner ids instead,
 * so preflight does not require it.
 */
export const DELEGATED_SCOPES = [
  "Application.ReadWrite.All",
  "AppRoleAssignment.ReadWrite.All",
  "RoleManagement.ReadWrite.Directory",
  "User.Read",
  "User.ReadBasic.All",
] as const;

/** Marks apps this tool owns: set on create (with uniqueName) and on --adopt. */
export const OWNER_TAG_PREFIX = "entra-onboard:";

export const DEFAULT_APP_NAME = "Xops-App";
