/**
 * The clouds the simulated Entra can play: per cloud, the first-party APIs every tenant has (their
 * identifiers and application permissions) and the names its discovery documents carry. This is the
 * sandbox's own account of Microsoft's clouds, written apart from the tool's table (src/core/clouds.ts)
 * so a run against a sandbox playing a cloud tests the tool against it, not against itself.
 *
 * Sources (Microsoft Learn): "Microsoft Graph national cloud deployments" (Graph service roots, and
 * tokens of one cloud are not accepted by another), "Connect-ExchangeOnline" (the Exchange Online
 * hosts), "App-only authentication in Exchange Online PowerShell and Security & Compliance
 * PowerShell" (GCC High and DoD "have access to Security & Compliance PowerShell only" and use
 * Microsoft Exchange Online Protection's Exchange.ManageAsApp, role 455e5cd2-…). Modelling choices,
 * none checked against a real sovereign tenant: in GCC High and DoD, Office 365 Exchange Online
 * offers no Exchange.ManageAsApp and every tenant has the Exchange Online Protection service
 * principal; in the national clouds the app role ids of Graph and Exchange Online differ from the
 * global ones (Microsoft documents one id per permission, but a client must resolve by value, and
 * this makes one that does not fail here); the discovery documents' cloud_instance_name and
 * msgraph_host are the values Entra is reported to return for each cloud.
 */
import { createHash } from "node:crypto";
import type { AppRoleJson, PermissionScopeJson } from "./model.js";
import { EXCHANGE_ONLINE_APP_ID, EXCHANGE_ONLINE_PROTECTION_APP_ID, firstPartyApps, type FirstPartyApp, MICROSOFT_GRAPH_APP_ID } from "./seed.js";

export const FAKE_CLOUDS = ["global", "usgov", "usgovdod", "china"] as const;
export type FakeCloud = (typeof FAKE_CLOUDS)[number];

export interface CloudIdentity {
  /** Graph's identifier (resource URI) in this cloud. */
  graph: string;
  /** Exchange Online's identifier URIs in this cloud. */
  exchange: readonly string[];
  /** `cloud_instance_name` of the discovery documents. */
  instanceName: string;
  /** `msgraph_host` of the discovery documents. */
  msgraphHost: string;
  /** `tenant_region_scope` of the discovery documents. */
  regionScope: string;
  /** Where initial domains live: contoso.onmicrosoft.com, contoso.onmicrosoft.us, contoso.partner.onmschina.cn. */
  domainSuffix: string;
}

export const CLOUD_IDENTITIES: Readonly<Record<FakeCloud, CloudIdentity>> = {
  global: { graph: "https://graph.microsoft.com", exchange: ["https://outlook.office365.com", "https://outlook.office.com"], instanceName: "microsoftonline.com", msgraphHost: "graph.microsoft.com", regionScope: "WW", domainSuffix: "onmicrosoft.com" },
  usgov: { graph: "https://graph.microsoft.us", exchange: ["https://outlook.office365.us"], instanceName: "microsoftonline.us", msgraphHost: "graph.microsoft.us", regionScope: "USGov", domainSuffix: "onmicrosoft.us" },
  usgovdod: { graph: "https://dod-graph.microsoft.us", exchange: ["https://webmail.apps.mil"], instanceName: "microsoftonline.us", msgraphHost: "dod-graph.microsoft.us", regionScope: "USGov", domainSuffix: "onmicrosoft.us" },
  china: { graph: "https://microsoftgraph.chinacloudapi.cn", exchange: ["https://partner.outlook.cn"], instanceName: "partner.microsoftonline.cn", msgraphHost: "microsoftgraph.chinacloudapi.cn", regionScope: "AS", domainSuffix: "partner.onmschina.cn" },
};

export interface CloudFirstParty {
  /** Seeded in every tenant of the cloud. */
  seeded: readonly FirstPartyApp[];
  /** Seeded or creatable on demand (POST /servicePrincipals with its appId). */
  known: readonly FirstPartyApp[];
}

const eopRoles = (): AppRoleJson[] => [
  {
    allowedMemberTypes: ["Application"],
    description: "Allows the app to manage Exchange as an application without a signed-in user.",
    displayName: "Manage Exchange As Application",
    id: "455e5cd2-84e8-4751-8344-5672145dfa17",
    isEnabled: true,
    origin: "Application",
    value: "Exchange.ManageAsApp",
  },
];

function exchangeOnlineProtection(): FirstPartyApp {
  return {
    appId: EXCHANGE_ONLINE_PROTECTION_APP_ID,
    displayName: "Microsoft Exchange Online Protection",
    appRoles: eopRoles(),
    oauth2PermissionScopes: [] as PermissionScopeJson[],
    servicePrincipalNames: [EXCHANGE_ONLINE_PROTECTION_APP_ID],
  };
}

/** A national cloud's id for an app role: stable, and never the global one. */
function nationalRoleId(cloud: FakeCloud, appId: string, value: string): string {
  const h = createHash("sha1").update(`entra-onboard-fake-cloud/${cloud}/${appId}/${value}`).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function national(cloud: FakeCloud, app: FirstPartyApp, identifiers: readonly string[], dropRoles: readonly string[] = []): FirstPartyApp {
  return {
    ...app,
    appRoles: app.appRoles.filter((r) => !dropRoles.includes(r.value ?? "")).map((r) => ({ ...r, id: nationalRoleId(cloud, app.appId, r.value ?? r.id) })),
    servicePrincipalNames: [app.appId, ...identifiers.flatMap((u) => [u, `${u}/`])],
  };
}

function build(cloud: FakeCloud): CloudFirstParty {
  const eop = exchangeOnlineProtection();
  if (cloud === "global") return { seeded: firstPartyApps, known: [...firstPartyApps, eop] };
  const identity = CLOUD_IDENTITIES[cloud];
  const graph = firstPartyApps.find((a) => a.appId === MICROSOFT_GRAPH_APP_ID);
  const exchange = firstPartyApps.find((a) => a.appId === EXCHANGE_ONLINE_APP_ID);
  if (!graph || !exchange) throw new Error("internal: first-party seed data lacks Graph or Exchange Online");
  const usGovernment = cloud === "usgov" || cloud === "usgovdod";
  const apps = [national(cloud, graph, [identity.graph]), national(cloud, exchange, identity.exchange, usGovernment ? ["Exchange.ManageAsApp"] : [])];
  return usGovernment ? { seeded: [...apps, eop], known: [...apps, eop] } : { seeded: apps, known: [...apps, eop] };
}

const BY_CLOUD: Readonly<Record<FakeCloud, CloudFirstParty>> = {
  global: build("global"),
  usgov: build("usgov"),
  usgovdod: build("usgovdod"),
  china: build("china"),
};

/** The first-party APIs of a cloud (shared and frozen where the seed data is: copy before changing). */
export function firstPartyOf(cloud: FakeCloud | undefined): CloudFirstParty {
  return BY_CLOUD[cloud ?? "global"];
}
