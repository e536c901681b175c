/**
 * Delegated consent: which scopes a client may hold on a resource in a tenant, and how a request is
 * granted ("Scopes and permissions in the Microsoft identity platform", "Overview of permissions and
 * consent in the Microsoft identity platform").
 *
 * - `<resource>/.default` gets what is consented for the client on that resource; nothing consented
 *   is AADSTS65001, as Entra answers a request it cannot satisfy without an interactive consent.
 * - Explicit scopes in an interactive sign-in (device code, browser) are consented there by the
 *   simulated admin; a silent request (refresh token) gets only what is already consented (else 65001).
 * - Microsoft's own CLIs (Azure CLI, Azure PowerShell) are pre-authorized by the resource owner and
 *   cannot be consented to anything else: asking for more is AADSTS65002.
 */
import { fail } from "./aadsts.js";
import { ARM_APP_ID, DEFAULT_SCOPE, EXCHANGE_APP_ID, GRAPH_APP_ID, type ScopeRequest } from "./resources.js";

export interface FirstPartyClient {
  appId: string;
  displayName: string;
  /** Pre-authorized by the API owners (no consent possible beyond it) rather than consented in the tenant. */
  preauthorizedOnly: boolean;
  /** Resource app id → delegated scopes held from the start. */
  scopes: Readonly<Record<string, readonly string[]>>;
}

/** Graph scopes observed in Azure CLI tokens (`scp` of an `az account get-access-token --resource-type ms-graph` token). */
const AZURE_CLI_GRAPH = [
  "Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All", "AuditLog.Read.All", "DelegatedPermissionGrant.ReadWrite.All",
  "Directory.AccessAsUser.All", "email", "Group.ReadWrite.All", "openid", "profile", "User.Read.All", "User.ReadWrite.All",
];

/**
 * The well-known public clients, with admin consent in place in every sandbox tenant. Azure CLI and
 * Azure PowerShell hold exactly their pre-authorized Graph set, which has no RoleManagement.ReadWrite.Directory
 * (Azure/azure-cli issues #26471 and #33778 ask for it; PermissionScopeNotGranted from Graph, AADSTS65002 on
 * `az login --scope`), so the sandbox refuses role assignments through them as Entra does. Microsoft Graph
 * Command Line Tools is consented per tenant; the sandbox tenant starts with what entra-onboard asks for.
 */
export const FIRST_PARTY_CLIENTS: readonly FirstPartyClient[] = [
  {
    appId: "14d82eec-204b-4c2f-b7e8-296a70dab67e",
    displayName: "Microsoft Graph Command Line Tools",
    preauthorizedOnly: false,
    scopes: {
      [GRAPH_APP_ID]: ["Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All", "RoleManagement.ReadWrite.Directory", "Directory.Read.All", "User.Read", "User.ReadBasic.All"],
      [EXCHANGE_APP_ID]: ["Exchange.Manage"],
    },
  },
  {
    appId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
    displayName: "Microsoft Azure CLI",
    preauthorizedOnly: true,
    scopes: { [GRAPH_APP_ID]: AZURE_CLI_GRAPH, [ARM_APP_ID]: ["user_impersonation"] },
  },
  {
    appId: "1950a258-227b-4e31-a9cf-717495945fc2",
    displayName: "Microsoft Azure PowerShell",
    preauthorizedOnly: true,
    scopes: { [GRAPH_APP_ID]: AZURE_CLI_GRAPH.filter((s) => !["email", "openid", "profile"].includes(s)), [ARM_APP_ID]: ["user_impersonation"] },
  },
];

export function firstPartyClient(clientId: string): FirstPartyClient | undefined {
  const id = clientId.toLowerCase();
  return FIRST_PARTY_CLIENTS.find((c) => c.appId === id);
}

export interface GrantRequest {
  tenantId: string;
  clientId: string;
  request: ScopeRequest;
  /** The admin is at hand to consent (device code, browser); false for refresh tokens. */
  interactive: boolean;
}

/** Consents given during one sandbox run, on top of the first-party clients' starting set. */
export class ConsentStore {
  private readonly given = new Map<string, Set<string>>();

  consented(tenantId: string, clientId: string, resourceAppId: string): string[] {
    const initial = firstPartyClient(clientId)?.scopes[resourceAppId] ?? [];
    const extra = this.given.get(key(tenantId, clientId, resourceAppId)) ?? [];
    return unique([...initial, ...extra]);
  }

  /** What a `.default` request would get right now (for the consent page). */
  preview(g: GrantRequest): string[] {
    return g.request.permissions.includes(DEFAULT_SCOPE) ? this.consented(g.tenantId, g.clientId, g.request.resource.appId) : g.request.permissions;
  }

  /** The scopes to put in the token's `scp`; records the admin's consent in interactive sign-ins. */
  grant(g: GrantRequest): string[] {
    const { request, tenantId, clientId } = g;
    const resourceAppId = request.resource.appId;
    // Signing in alone (openid/profile) needs no consent: Entra issues a Graph token for User.Read.
    if (request.signInOnly) return request.permissions;
    const held = this.consented(tenantId, clientId, resourceAppId);
    if (request.permissions.includes(DEFAULT_SCOPE)) {
      if (held.length === 0) notConsented(clientId, request.resource.displayName);
      return held;
    }
    const missing = request.permissions.filter((p) => !held.some((h) => h.toLowerCase() === p.toLowerCase()));
    if (missing.length === 0) return request.permissions;
    const client = firstPartyClient(clientId);
    if (client?.preauthorizedOnly) {
      fail(400, "invalid_request", 65002, `Consent between first party application '${client.appId}' and first party resource '${resourceAppId}' must be configured via preauthorization - applications owned and operated by Microsoft must get approval from the API owner before requesting tokens for that API.`);
    }
    if (!g.interactive) notConsented(clientId, request.resource.displayName);
    const set = this.given.get(key(tenantId, clientId, resourceAppId)) ?? new Set<string>();
    missing.forEach((p) => set.add(p));
    this.given.set(key(tenantId, clientId, resourceAppId), set);
    return request.permissions;
  }
}

function notConsented(clientId: string, resourceName: string): never {
  const name = firstPartyClient(clientId)?.displayName ?? clientId;
  return fail(400, "invalid_grant", 65001, `The user or administrator has not consented to use the application with ID '${clientId}' named '${name}'. Send an interactive authorization request for this user and resource (${resourceName}).`);
}

function key(tenantId: string, clientId: string, resourceAppId: string): string {
  return `${tenantId.toLowerCase()}|${clientId.toLowerCase()}|${resourceAppId}`;
}

function unique(values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => (seen.has(v.toLowerCase()) ? false : (seen.add(v.toLowerCase()), true)));
}
