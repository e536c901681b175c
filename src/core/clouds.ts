/**
 * The Microsoft clouds a tenant can live in, as one table: where each cloud's sign-in authority,
 * Microsoft Graph and Exchange Online answer, and which application permissions Microsoft documents
 * as missing there (with the profile entry to use instead). Sign-in, the Graph door's token
 * destination check, verify, the planner and bulk all read this table; nothing else names a cloud's
 * hosts.
 *
 * Sources (Microsoft Learn):
 * - "Microsoft Graph national cloud deployments": the Microsoft Entra ID endpoints (login.microsoftonline.com,
 *   login.microsoftonline.us, login.chinacloudapi.cn) and the Graph service roots (graph.microsoft.com,
 *   graph.microsoft.us for US Government L4 / GCC High, dod-graph.microsoft.us for L5 / DoD,
 *   microsoftgraph.chinacloudapi.cn); Microsoft 365 GCC keeps the global endpoints; tokens of one
 *   cloud are not accepted by another.
 * - "Access national cloud deployments with the Microsoft Graph SDKs": a scope names the cloud's own
 *   Graph host (https://graph.microsoft.us/.default).
 * - "Connect-ExchangeOnline" (ConnectionUri, ExchangeEnvironmentName): Exchange Online answers at
 *   outlook.office365.com (O365Default), outlook.office365.us (O365USGovGCCHigh), webmail.apps.mil
 *   (O365USGovDoD) and partner.outlook.cn (O365China). The app-only token's resource is that host
 *   (`https://outlook.office365.com/.default` is the documented admin-consent scope in "App-only
 *   authentication in Exchange Online PowerShell and Security & Compliance PowerShell"; the other
 *   clouds' are the same shape, not separately documented).
 *
 * Exchange.ManageAsApp in GCC High and DoD: the same app-only page says the setup is the same in
 * every cloud (its connection examples use -ExchangeEnvironmentName O365USGovGCCHigh/O365USGovDoD),
 * but its manifest note says "Microsoft 365 GCC High or DoD environments have access to Security &
 * Compliance PowerShell only" and lists resourceAppId 00000007-0000-0ff1-ce00-000000000000 ("Microsoft
 * Exchange Online Protection") with role 455e5cd2-84e8-4751-8344-5672145dfa17 instead of Office 365
 * Exchange Online's Exchange.ManageAsApp. The choice made here: the tenant decides. Permissions are
 * always resolved by value from the tenant's own resource service principal; where this table says
 * a permission is missing and the tenant's service principal indeed lacks it (or is absent), plan
 * stops before any write and names the alternative profile entry; where the tenant offers it after
 * all, it is used, with a warning that Microsoft documents it as missing there.
 */
import { EXCHANGE_APP_ID, EXCHANGE_ONLINE_PROTECTION_APP_ID, GRAPH_APP_ID } from "./well-known.js";

export const CLOUD_NAMES = ["global", "usgov", "usgovdod", "china"] as const;
export type CloudName = (typeof CLOUD_NAMES)[number];

/** An application permission Microsoft documents as missing in a cloud, and what to ask for instead. */
export interface MissingPermission {
  resourceAppId: string;
  value: string;
  /** The profile entry to use instead, e.g. "Microsoft Exchange Online Protection / Exchange.ManageAsApp". */
  alternative: string;
  /** The API of that entry: observe reads its service principal in this cloud, so its grants are named. */
  alternativeResourceAppId: string;
  /** Why, with the public page it comes from. */
  source: string;
}

export interface Cloud {
  name: CloudName;
  /** How Microsoft's pages name it. */
  label: string;
  /** The Microsoft Entra ID (sign-in) authority host. */
  authority: string;
  /** The Graph service root, also the Graph resource identifier in scopes (`<graph>/.default`). */
  graph: string;
  /** The Exchange Online resource identifier an app-only token is asked for. */
  exchange: string;
  /** Connect-ExchangeOnline -ExchangeEnvironmentName for this cloud (what the platform's side uses). */
  exchangeEnvironmentName: string;
  missingPermissions: readonly MissingPermission[];
  /**
   * App role ids documented for this cloud, used only while the resource's service principal is
   * absent (the executor re-resolves the id by value from the service principal it creates).
   */
  fallbackAppRoleIds: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

const APP_ONLY_PAGE = '"App-only authentication in Exchange Online PowerShell and Security & Compliance PowerShell" (Microsoft Learn) says GCC High and DoD organizations have access to Security & Compliance PowerShell only and should request Microsoft Exchange Online Protection\'s Exchange.ManageAsApp';

const US_GOVERNMENT_MISSING: readonly MissingPermission[] = [
  { resourceAppId: EXCHANGE_APP_ID, value: "Exchange.ManageAsApp", alternative: "Microsoft Exchange Online Protection / Exchange.ManageAsApp", alternativeResourceAppId: EXCHANGE_ONLINE_PROTECTION_APP_ID, source: APP_ONLY_PAGE },
];

export const CLOUDS: Readonly<Record<CloudName, Cloud>> = {
  global: {
    name: "global",
    label: "the global Microsoft cloud (including Microsoft 365 GCC)",
    authority: "https://login.microsoftonline.com",
    graph: "https://graph.microsoft.com",
    exchange: "https://outlook.office365.com",
    exchangeEnvironmentName: "O365Default",
    missingPermissions: [],
    // The app-only page's manifest example lists Exchange.ManageAsApp with this id.
    fallbackAppRoleIds: { [EXCHANGE_APP_ID]: { "Exchange.ManageAsApp": "dc50a0fb-09a3-484d-be87-e023b12c6440" } },
  },
  usgov: {
    name: "usgov",
    label: "Microsoft 365 GCC High (US Government L4)",
    authority: "https://login.microsoftonline.us",
    graph: "https://graph.microsoft.us",
    exchange: "https://outlook.office365.us",
    exchangeEnvironmentName: "O365USGovGCCHigh",
    missingPermissions: US_GOVERNMENT_MISSING,
    // The app-only page's GCC High/DoD manifest note lists this id.
    fallbackAppRoleIds: { [EXCHANGE_ONLINE_PROTECTION_APP_ID]: { "Exchange.ManageAsApp": "455e5cd2-84e8-4751-8344-5672145dfa17" } },
  },
  usgovdod: {
    name: "usgovdod",
    label: "Microsoft 365 DoD (US Government L5)",
    authority: "https://login.microsoftonline.us",
    graph: "https://dod-graph.microsoft.us",
    exchange: "https://webmail.apps.mil",
    exchangeEnvironmentName: "O365USGovDoD",
    missingPermissions: US_GOVERNMENT_MISSING,
    fallbackAppRoleIds: { [EXCHANGE_ONLINE_PROTECTION_APP_ID]: { "Exchange.ManageAsApp": "455e5cd2-84e8-4751-8344-5672145dfa17" } },
  },
  china: {
    name: "china",
    label: "Microsoft 365 operated by 21Vianet (China)",
    authority: "https://login.chinacloudapi.cn",
    graph: "https://microsoftgraph.chinacloudapi.cn",
    exchange: "https://partner.outlook.cn",
    exchangeEnvironmentName: "O365China",
    // The app-only page: "CBA or app-only authentication is available in Office 365 operated by 21Vianet in China."
    missingPermissions: [],
    // No role id is documented for this cloud: an absent service principal is created and the id read from it.
    fallbackAppRoleIds: {},
  },
};

export const DEFAULT_CLOUD: CloudName = "global";

export function isCloudName(value: string): value is CloudName {
  return (CLOUD_NAMES as readonly string[]).includes(value);
}

/** The cloud named `name` (default global). */
export function cloudOf(name: CloudName | undefined): Cloud {
  return CLOUDS[name ?? DEFAULT_CLOUD];
}

/** The cloud whose Graph service root is on `host`, if any (a --graph-url naming another cloud's Graph). */
export function cloudOfGraphHost(host: string): Cloud | undefined {
  const wanted = host.toLowerCase();
  return Object.values(CLOUDS).find((c) => new URL(c.graph).hostname === wanted);
}

/**
 * The resource identifier an app-only token for `resourceAppId` is asked for in this cloud: Graph's
 * and Exchange Online's service roots; any other API (Microsoft Exchange Online Protection) by its
 * application id, which Entra accepts as a resource identifier.
 */
export function tokenResource(cloud: Cloud, resourceAppId: string): string {
  if (resourceAppId === GRAPH_APP_ID) return cloud.graph;
  if (resourceAppId === EXCHANGE_APP_ID) return cloud.exchange;
  return resourceAppId;
}

/** What Microsoft documents about a permission in this cloud, when it is missing there. */
export function missingIn(cloud: Cloud, permission: { resourceAppId: string; value: string }): MissingPermission | undefined {
  return cloud.missingPermissions.find((m) => m.resourceAppId === permission.resourceAppId && m.value.toLowerCase() === permission.value.toLowerCase());
}

/** Resource APIs observe reads in every run in this cloud: Graph, Exchange Online, and the alternatives this cloud needs. */
export function observedResourceAppIds(cloud: Cloud): string[] {
  return [...new Set([GRAPH_APP_ID, EXCHANGE_APP_ID, ...cloud.missingPermissions.map((m) => m.alternativeResourceAppId)])];
}
