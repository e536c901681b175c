/**
 * The metadata documents clients read before they sign in: the OpenID Connect discovery documents of
 * the v2.0 and v1.0 endpoints ("OpenID Connect on the Microsoft identity platform": fetching the
 * OpenID configuration document) and MSAL's instance discovery (`/common/discovery/instance`), with the
 * fields Entra returns. The sandbox is its own cloud: its host is the only instance, and its Graph URL
 * is `msgraph_host`; a sandbox playing a national cloud names that cloud (`cloud_instance_name`
 * microsoftonline.us, `msgraph_host` graph.microsoft.us, …) while its host stays the only instance.
 */
import { CLOUD_IDENTITIES, type FakeCloud } from "../fake/clouds.js";
import { fail } from "./aadsts.js";

export interface DiscoveryContext {
  /** The sandbox origin, e.g. "https://127.0.0.1:4433". */
  url: string;
  /** The cloud the sandbox plays; undefined or global keeps the sandbox's own names. */
  cloud?: FakeCloud | undefined;
}

const CLAIMS_V2 = ["sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name", "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"];
const CLAIMS_V1 = ["sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name", "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "amr", "nonce", "email", "given_name", "family_name", "nickname"];

/** `/{tenant}/v2.0/.well-known/openid-configuration`; `tenant` is the id when known (Entra answers with ids). */
export function openIdConfigurationV2(ctx: DiscoveryContext, tenant: string): Record<string, unknown> {
  const base = `${ctx.url}/${tenant}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${ctx.url}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: CLAIMS_V2,
    kerberos_endpoint: `${base}/kerberos`,
    ...cloud(ctx),
  };
}

/** `/{tenant}/.well-known/openid-configuration`: the v1.0 endpoint's document (issuer on sts.windows.net). */
export function openIdConfigurationV1(ctx: DiscoveryContext, tenant: string, tenantId: string): Record<string, unknown> {
  const base = `${ctx.url}/${tenant}`;
  return {
    token_endpoint: `${base}/oauth2/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${ctx.url}/common/discovery/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "token id_token", "token"],
    scopes_supported: ["openid"],
    issuer: `https://sts.windows.net/${tenantId}/`,
    microsoft_multi_refresh_token: true,
    authorization_endpoint: `${base}/oauth2/authorize`,
    device_authorization_endpoint: `${base}/oauth2/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/logout`,
    claims_supported: CLAIMS_V1,
    check_session_iframe: `${base}/oauth2/checksession`,
    userinfo_endpoint: `${base}/openid/userinfo`,
    kerberos_endpoint: `${base}/kerberos`,
    ...cloud(ctx),
  };
}

/**
 * `/common/discovery/instance?api-version=1.1&authorization_endpoint=…`: MSAL asks whether the host of
 * an authorize URL is a known instance and which aliases share its token cache. The sandbox knows only
 * itself; any other host is AADSTS50049, Entra's answer for an unknown instance.
 */
export function instanceDiscovery(ctx: DiscoveryContext, query: URLSearchParams): Record<string, unknown> {
  const authorize = query.get("authorization_endpoint");
  if (!authorize) fail(400, "invalid_request", 900144, "The request body must contain the following parameter: 'authorization_endpoint'.");
  let endpoint: URL;
  try {
    endpoint = new URL(authorize);
  } catch {
    return fail(400, "invalid_instance", 50049, "Unknown or invalid instance.");
  }
  const own = new URL(ctx.url);
  const aliases = [own.host, `localhost:${own.port}`];
  // MSAL Python (1.21) builds the authorize URL it asks about from the host name without the port; the
  // sandbox is the only instance on its loopback host, so it answers for the bare host too, with its own origin.
  const hostOnly = [own.hostname, "localhost"].includes(endpoint.host);
  if (endpoint.protocol !== "https:" || !(aliases.includes(endpoint.host) || hostOnly)) fail(400, "invalid_instance", 50049, "Unknown or invalid instance.");
  // The tenant discovery document that belongs to the authorize URL: v2.0 for /oauth2/v2.0/authorize.
  const tenantPath = endpoint.pathname.replace(/\/oauth2\/(v2\.0\/)?authorize\/?$/, "");
  const v2 = /\/oauth2\/v2\.0\/authorize\/?$/.test(endpoint.pathname);
  return {
    tenant_discovery_endpoint: `${hostOnly ? own.origin : endpoint.origin}${tenantPath}${v2 ? "/v2.0" : ""}/.well-known/openid-configuration`,
    "api-version": "1.1",
    metadata: [{ preferred_network: own.host, preferred_cache: own.host, aliases }],
  };
}

function cloud(ctx: DiscoveryContext): Record<string, unknown> {
  const host = new URL(ctx.url).host;
  const played = ctx.cloud === undefined || ctx.cloud === "global" ? undefined : CLOUD_IDENTITIES[ctx.cloud];
  return {
    tenant_region_scope: played?.regionScope ?? "WW",
    cloud_instance_name: played?.instanceName ?? host,
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: played?.msgraphHost ?? host,
    rbac_url: "https://pas.windows.net",
  };
}
