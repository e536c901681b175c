/**
 * An Entra-like v2.0 sign-in authority for the sandbox tenants: OIDC discovery, JWKS, device code,
 * and the token endpoint (device code, refresh token, certificate client credentials). Real MSAL
 * clients (@azure/identity) talk to it unchanged, with `disableInstanceDiscovery` and the sandbox CA.
 */
import type { Clock } from "../shared/clock.js";
import type { FakeResponse, TokenClaims } from "../fake/types.js";
import { AadstsFailure, aadstsResponse, fail } from "./aadsts.js";
import { clientCredentialsGrant } from "./client-credentials.js";
import { DEVICE_CODE_GRANT, DelegatedSessions, type DelegatedContext } from "./delegated-grants.js";
import { findTenant, type Directory, type DirectoryTenant } from "./directory.js";
import { SandboxSigner } from "./signer.js";

export interface AuthorityRequest {
  method: string;
  /** URL path without query, e.g. "/contoso.onmicrosoft.com/oauth2/v2.0/token". */
  path: string;
  /** Raw request body (application/x-www-form-urlencoded for the OAuth endpoints). */
  body: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
}

export interface SandboxAuthorityOptions {
  /** The sandbox origin, e.g. "https://127.0.0.1:4433" (no trailing slash). */
  url: string;
  directory: Directory;
  clock: Clock;
  adminLacksPrivilegedRoleAdmin?: boolean;
}

const ROUTE = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys|discovery\/keys|oauth2\/v2\.0\/devicecode|oauth2\/v2\.0\/token)\/?$/;

export class SandboxAuthority {
  private readonly url: string;
  private readonly directory: Directory;
  private readonly clock: Clock;
  private readonly signer: SandboxSigner;
  private readonly sessions = new DelegatedSessions();
  private readonly adminLacksPrivilegedRoleAdmin: boolean;

  constructor(options: SandboxAuthorityOptions) {
    this.url = options.url.replace(/\/+$/, "");
    this.directory = options.directory;
    this.clock = options.clock;
    this.signer = new SandboxSigner(options.clock);
    this.adminLacksPrivilegedRoleAdmin = options.adminLacksPrivilegedRoleAdmin ?? false;
  }

  /**
   * Claims of a valid access token issued by this authority, else undefined. With `audience`, only
   * tokens for that resource pass (Graph must refuse an Exchange token).
   */
  readonly verifyAccessToken = (token: string, audience?: string): TokenClaims | undefined =>
    this.signer.verifyAccessToken(token, audience);

  /** Answers an authority route; undefined when the path is not one (the server then tries Graph or 404s). */
  handle(req: AuthorityRequest): FakeResponse | undefined {
    if (req.method === "GET" && req.path.replace(/\/+$/, "") === "/devicelogin") return this.deviceLoginPage();
    const match = ROUTE.exec(req.path);
    if (!match) return undefined;
    const segment = decodeURIComponent(match[1] ?? "");
    const endpoint = match[2] ?? "";
    const form = new URLSearchParams(req.body);
    const correlationId = req.headers["client-request-id"];
    try {
      if (endpoint.startsWith("discovery/")) return json(200, this.signer.jwks());
      if (endpoint.endsWith("openid-configuration") && req.method === "GET") {
        // Unknown tenants get metadata too: production MSAL resolves login.microsoftonline.com endpoints
        // from built-in metadata and meets AADSTS90002 at the token endpoint, and so should sandbox users
        // (a failed discovery would surface only as MSAL's opaque endpoints_resolution_error).
        const known = findTenant(this.directory, segment);
        return json(200, this.metadata(known?.id ?? encodeURIComponent(segment)));
      }
      const tenant =
        findTenant(this.directory, segment) ??
        fail(400, "invalid_tenant", 90002, `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`);
      if (req.method !== "POST" || !endpoint.startsWith("oauth2/")) return undefined;
      if (endpoint.endsWith("devicecode")) return json(200, this.sessions.startDeviceCode(tenant, form, this.delegatedContext()));
      return json(200, this.token(tenant, segment, form));
    } catch (err) {
      if (err instanceof AadstsFailure) return aadstsResponse(err.detail, this.clock.now(), correlationId);
      throw err;
    }
  }

  private token(tenant: DirectoryTenant, segment: string, form: URLSearchParams): Record<string, unknown> {
    const grantType = form.get("grant_type");
    switch (grantType) {
      case DEVICE_CODE_GRANT:
      // MSAL sends the short form; Entra accepts both.
      case "device_code":
        return this.sessions.redeemDeviceCode(tenant, form, this.delegatedContext());
      case "refresh_token":
        return this.sessions.redeemRefreshToken(tenant, form, this.delegatedContext());
      case "client_credentials":
        return clientCredentialsGrant(tenant, form, {
          signer: this.signer,
          audiences: this.assertionAudiences(tenant, segment),
          nowMs: this.clock.now(),
        });
      default:
        return fail(400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grantType ?? ""}'.`);
    }
  }

  private delegatedContext(): DelegatedContext {
    return {
      signer: this.signer,
      authorityUrl: this.url,
      adminLacksPrivilegedRoleAdmin: this.adminLacksPrivilegedRoleAdmin,
      nowMs: this.clock.now(),
    };
  }

  /** MSAL builds the assertion's aud from the discovered token endpoint, keeping the tenant segment it was given. */
  private assertionAudiences(tenant: DirectoryTenant, segment: string): string[] {
    const segments = new Set([tenant.id, tenant.initialDomain, segment]);
    return [...segments].flatMap((s) => [`${this.url}/${s}/oauth2/v2.0/token`, `${this.url}/${s}/v2.0`]);
  }

  private metadata(tenantSegment: string): Record<string, unknown> {
    const base = `${this.url}/${tenantSegment}`;
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
      userinfo_endpoint: `${this.url}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ["sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"],
      kerberos_endpoint: `${base}/kerberos`,
      tenant_region_scope: "NA",
      cloud_instance_name: "sandbox.invalid",
      cloud_graph_host_name: "graph.windows.net",
      msgraph_host: "graph.microsoft.com",
      rbac_url: "https://pas.windows.net",
    };
  }

  private deviceLoginPage(): FakeResponse {
    return {
      status: 200,
      headers: { "content-type": "text/plain; charset=utf-8" },
      body: "entra-onboard sandbox: device code sign-in is approved automatically as the simulated admin. Nothing to do here.\n",
    };
  }
}

function json(status: number, body: unknown): FakeResponse {
  return { status, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" }, body };
}
