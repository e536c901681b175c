/**
 * An Entra-like sign-in authority for the sandbox tenants, v2.0 and v1.0 endpoints: discovery documents,
 * JWKS, device code, the authorize page, and the token endpoint (device code, authorization code with
 * PKCE, refresh token, certificate client credentials). Real clients (MSAL.js, MSAL Python, openid-client)
 * talk to it unchanged, trusting the sandbox CA.
 */
import type { Clock } from "../shared/clock.js";
import type { FakeCloud } from "../fake/clouds.js";
import type { FakeResponse, TokenClaims } from "../fake/types.js";
import { AadstsFailure, aadstsResponse, describeFailure, fail } from "./aadsts.js";
import { AuthorizationCodes } from "./authorization-code.js";
import { deviceLoginPage, errorPage } from "./authorize-page.js";
import { clientCredentialsGrant } from "./client-credentials.js";
import { ConsentStore } from "./consent.js";
import { DEVICE_CODE_GRANT, DelegatedSessions, requestedScope, type DelegatedContext, type EndpointVersion } from "./delegated-grants.js";
import { findTenant, type Directory, type DirectoryTenant } from "./directory.js";
import { instanceDiscovery, openIdConfigurationV1, openIdConfigurationV2, type DiscoveryContext } from "./discovery.js";
import type { PartnerDirectory } from "./partner.js";
import { ResourceCatalogue } from "./resources.js";
import { SandboxSigner } from "./signer.js";

export interface AuthorityRequest {
  method: string;
  /** URL path without query, e.g. "/contoso.onmicrosoft.com/oauth2/v2.0/token". */
  path: string;
  /** The query string without "?" (authorize, instance discovery). */
  query?: string;
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
  /** The sandbox plays an MSP: this partner's admin reaches customer tenants through GDAP relationships. */
  partner?: PartnerDirectory | undefined;
  /** The Microsoft cloud the sandbox plays (default global): its resource identifiers and discovery names. */
  cloud?: FakeCloud | undefined;
}

type Endpoint = "openid-v2" | "openid-v1" | "keys" | "devicecode" | "token" | "authorize";

/** Path after the tenant segment → endpoint, version and the HTTP methods it takes. */
const ENDPOINTS: Record<string, { endpoint: Endpoint; version: EndpointVersion; methods: readonly string[] }> = {
  "v2.0/.well-known/openid-configuration": { endpoint: "openid-v2", version: "v2", methods: ["GET"] },
  ".well-known/openid-configuration": { endpoint: "openid-v1", version: "v1", methods: ["GET"] },
  "discovery/v2.0/keys": { endpoint: "keys", version: "v2", methods: ["GET"] },
  "discovery/keys": { endpoint: "keys", version: "v1", methods: ["GET"] },
  "oauth2/v2.0/devicecode": { endpoint: "devicecode", version: "v2", methods: ["POST"] },
  "oauth2/devicecode": { endpoint: "devicecode", version: "v1", methods: ["POST"] },
  "oauth2/v2.0/token": { endpoint: "token", version: "v2", methods: ["POST"] },
  "oauth2/token": { endpoint: "token", version: "v1", methods: ["POST"] },
  "oauth2/v2.0/authorize": { endpoint: "authorize", version: "v2", methods: ["GET", "POST"] },
  "oauth2/authorize": { endpoint: "authorize", version: "v1", methods: ["GET", "POST"] },
};

/** Paths the authority answers for, known endpoint or not (so unknown ones get an Entra-shaped error). */
const AUTHORITY_PATH = /^\/([^/]+)\/((?:oauth2|discovery|v2\.0|\.well-known|kerberos|openid)(?:\/.*)?)$/;

export class SandboxAuthority {
  readonly catalogue: ResourceCatalogue;
  private readonly url: string;
  private readonly cloud: FakeCloud | undefined;
  private readonly directory: Directory;
  private readonly clock: Clock;
  private readonly signer: SandboxSigner;
  private readonly sessions = new DelegatedSessions();
  private readonly codes = new AuthorizationCodes();
  private readonly consents = new ConsentStore();
  private readonly adminLacksPrivilegedRoleAdmin: boolean;
  /** The MSP partner and its GDAP relationships, if the sandbox plays one. */
  readonly partner: PartnerDirectory | undefined;

  constructor(options: SandboxAuthorityOptions) {
    this.url = options.url.replace(/\/+$/, "");
    this.directory = options.directory;
    this.clock = options.clock;
    this.signer = new SandboxSigner(options.clock);
    this.cloud = options.cloud;
    this.catalogue = new ResourceCatalogue(this.url, options.cloud);
    this.adminLacksPrivilegedRoleAdmin = options.adminLacksPrivilegedRoleAdmin ?? false;
    this.partner = options.partner;
  }

  /**
   * Claims of a valid access token issued by this authority, else undefined. With `audience`, only
   * tokens for one of those identifiers pass (Graph must refuse an Exchange token).
   */
  readonly verifyAccessToken = (token: string, audience?: string | readonly string[]): TokenClaims | undefined =>
    this.signer.verifyAccessToken(token, audience);

  /** Answers an authority route; undefined when the path is not one (the server then tries Graph or 404s). */
  handle(req: AuthorityRequest): FakeResponse | undefined {
    const path = req.path.replace(/\/+$/, "");
    if (path === "/devicelogin") return req.method === "GET" ? deviceLoginPage() : undefined;
    const match = AUTHORITY_PATH.exec(path);
    if (!match) return undefined;
    const segment = decodeURIComponent(match[1] ?? "");
    const rest = match[2] ?? "";
    const query = new URLSearchParams(req.query ?? "");
    try {
      if (segment === "common" && rest === "discovery/instance") {
        if (req.method !== "GET") wrongMethod(["GET"], req.method);
        return json(200, instanceDiscovery(this.discovery(), query));
      }
      const route = ENDPOINTS[rest] ?? fail(404, "invalid_request", 9002313, `Invalid request. Request is malformed or invalid: the sandbox authority has no endpoint at ${path}.`);
      if (!route.methods.includes(req.method)) wrongMethod(route.methods, req.method);
      return this.endpoint(route.endpoint, route.version, segment, req, query);
    } catch (err) {
      if (err instanceof AadstsFailure) return aadstsResponse(err.detail, this.clock.now(), req.headers["client-request-id"]);
      throw err;
    }
  }

  private endpoint(endpoint: Endpoint, version: EndpointVersion, segment: string, req: AuthorityRequest, query: URLSearchParams): FakeResponse {
    const known = findTenant(this.directory, segment);
    switch (endpoint) {
      case "keys":
        return json(200, this.signer.jwks());
      // Unknown tenants get metadata too: production MSAL resolves login.microsoftonline.com endpoints from
      // built-in metadata and meets AADSTS90002 at the token endpoint, and so should sandbox users (a failed
      // discovery would surface only as MSAL's opaque endpoints_resolution_error).
      case "openid-v2":
        return json(200, openIdConfigurationV2(this.discovery(), known?.id ?? encodeURIComponent(segment)));
      case "openid-v1":
        return json(200, openIdConfigurationV1(this.discovery(), known?.id ?? encodeURIComponent(segment), known?.id ?? segment));
      default:
        break;
    }
    const notFound = { status: 400, error: "invalid_tenant", code: 90002, message: `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.` };
    // A browser at the authorize endpoint gets the error as a page, as from Entra.
    if (!known && endpoint === "authorize") return errorPage(400, describeFailure(notFound, this.clock.now()).description);
    const tenant = known ?? fail(notFound.status, notFound.error, notFound.code, notFound.message);
    const form = new URLSearchParams(req.body);
    const ctx = this.delegatedContext();
    if (endpoint === "authorize") {
      return req.method === "GET" ? this.codes.authorize(tenant, query, req.path, version, ctx) : this.codes.decide(tenant, form, ctx);
    }
    if (endpoint === "devicecode") return json(200, this.sessions.startDeviceCode(tenant, form, version, ctx));
    return json(200, this.token(tenant, segment, form, version, ctx));
  }

  private token(tenant: DirectoryTenant, segment: string, form: URLSearchParams, version: EndpointVersion, ctx: DelegatedContext): Record<string, unknown> {
    const grantType = form.get("grant_type");
    switch (grantType) {
      case DEVICE_CODE_GRANT:
      // MSAL and ADAL send the short form; Entra accepts both.
      case "device_code":
        return this.sessions.redeemDeviceCode(tenant, form, version, ctx);
      case "refresh_token":
        return this.sessions.redeemRefreshToken(tenant, form, version, ctx);
      case "authorization_code":
        return this.sessions.issue(this.codes.redeem(tenant, form, version, ctx.nowMs), ctx);
      case "client_credentials":
        return this.clientCredentials(tenant, segment, form, version);
      default:
        return fail(400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grantType ?? ""}'.`);
    }
  }

  private clientCredentials(tenant: DirectoryTenant, segment: string, form: URLSearchParams, version: EndpointVersion): Record<string, unknown> {
    const v1Resource = version === "v1" ? (form.get("resource") ?? undefined) : undefined;
    if (version === "v1") form.set("scope", requestedScope(form, "v1"));
    const response = clientCredentialsGrant(tenant, form, {
      signer: this.signer,
      audiences: this.assertionAudiences(tenant, segment),
      catalogue: this.catalogue,
      nowMs: this.clock.now(),
    });
    if (v1Resource === undefined) return response;
    // The v1.0 shape: numbers as strings, expires_on/not_before, and the resource echoed.
    const now = Math.floor(this.clock.now() / 1000);
    const expiresIn = Number(response["expires_in"]);
    return { ...response, expires_in: String(expiresIn), ext_expires_in: String(expiresIn), expires_on: String(now + expiresIn), not_before: String(now), resource: v1Resource };
  }

  private discovery(): DiscoveryContext {
    return { url: this.url, cloud: this.cloud };
  }

  private delegatedContext(): DelegatedContext {
    return {
      signer: this.signer,
      authorityUrl: this.url,
      catalogue: this.catalogue,
      consents: this.consents,
      adminLacksPrivilegedRoleAdmin: this.adminLacksPrivilegedRoleAdmin,
      tenantById: (id) => findTenant(this.directory, id),
      partner: this.partner,
      nowMs: this.clock.now(),
    };
  }

  /** MSAL builds the assertion's aud from the discovered token endpoint, keeping the tenant segment it was given. */
  private assertionAudiences(tenant: DirectoryTenant, segment: string): string[] {
    const segments = new Set([tenant.id, tenant.initialDomain, segment]);
    return [...segments].flatMap((s) => [`${this.url}/${s}/oauth2/v2.0/token`, `${this.url}/${s}/oauth2/token`, `${this.url}/${s}/v2.0`]);
  }
}

/** AADSTS900561: the endpoint exists but not for this HTTP method. */
function wrongMethod(allowed: readonly string[], method: string): never {
  return fail(400, "invalid_request", 900561, `The endpoint only accepts ${[...allowed, "OPTIONS"].join(", ")} requests. Received a ${method} request.`);
}

function json(status: number, body: unknown): FakeResponse {
  return { status, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" }, body };
}
