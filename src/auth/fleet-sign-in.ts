/**
 * One sign-in for a fleet of customer tenants, as a managed service provider (MSP) holds them through
 * granular delegated admin privileges ("Introduction to granular delegated admin privileges (GDAP)"):
 * the partner's admin signs in once, in the partner's own tenant (browser or device code, kept between
 * runs like any interactive sign-in), and each customer tenant's token is then redeemed silently from
 * that sign-in's refresh token at the customer tenant's own token endpoint. Entra answers there with a
 * token for the customer (its `tid`, the relationship's roles in `wids`), or refuses with its own
 * reason (no relationship: AADSTS50020; consent missing: AADSTS65001; MFA or Conditional Access:
 * AADSTS50076/53003, …), which becomes that tenant's error. Nothing here ever prompts for a customer.
 *
 * Why a credential per customer instead of one credential's `getToken(scopes, { tenantId })` with
 * `additionallyAllowedTenants`: in @azure/identity 4.13.1 the silent path of DeviceCodeCredential and
 * InteractiveBrowserCredential does not hand the requested tenant to MSAL (acquireTokenSilent gets no
 * authority), so it returns the HOME tenant's cached token (checked: `tid` is the partner's). A
 * credential whose own tenant is the customer, given the partner's AuthenticationRecord and a copy of
 * the partner's MSAL cache, makes MSAL redeem the refresh token at the customer's authority.
 */
import type { Agent } from "node:https";
import type { AccessToken, AuthenticationRecord, DeviceCodeCredentialOptions } from "@azure/identity";
import { AppError } from "../shared/errors.js";
import { decodeTokenClaims, type TokenClaims } from "../shared/jwt.js";
import { DEFAULT_CLIENT_ID } from "../core/well-known.js";
import { interactiveSignIn } from "./interactive-sign-in.js";
import { authorityHostFor, delegatedScopes, type SignInOptions } from "./sign-in.js";

/** Refresh a customer's token this long before it expires, as MSAL does. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/** A single sign-in's options, for the partner admin: interactive only, in the partner's own tenant. */
export type FleetSignInOptions = Omit<SignInOptions, "method" | "tenant"> & {
  method: "browser" | "device-code";
  /** The partner's own tenant (id or domain); default "organizations", the admin's home tenant. */
  partnerTenant?: string | undefined;
};

export interface TenantToken {
  /** A valid access token for Graph in that tenant, redeemed silently (cached until shortly before it expires). */
  getToken: () => Promise<string>;
}

export interface FleetSignIn {
  /** The partner tenant: `tid` of the partner's own token. */
  partnerTenantId: string;
  /** Who signed in (the AuthenticationRecord's username). */
  account: string | undefined;
  partnerClaims: TokenClaims | undefined;
  /** The token source for one customer tenant (id or domain). Never prompts; a refusal carries Entra's reason. */
  tenant(tenant: string): TenantToken;
}

export async function signInFleet(options: FleetSignInOptions): Promise<FleetSignIn> {
  const identity = await import("@azure/identity");
  const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
  const scopes = delegatedScopes(options.cloud);
  const authorityHost = authorityHostFor(options.cloud, options.authorityHost);
  const partnerTenant = options.partnerTenant ?? "organizations";
  // One keep-alive connection pool for every customer credential instead of one per credential
  // (idle sockets closed before the server's keep-alive timeout, as in graph/https-fetch.ts).
  const agent: Agent | undefined = options.ca ? new (await import("node:https")).Agent({ ca: options.ca, keepAlive: true, timeout: 4_000 }) : undefined;
  const common = {
    clientId,
    ...(authorityHost ? { authorityHost } : {}),
    // The sandbox is not a real cloud: skip the instance discovery call to login.microsoftonline.com.
    ...(options.ca ? { disableInstanceDiscovery: true, tlsOptions: { ca: options.ca } } : {}),
  };
  const partner = await interactiveSignIn({
    method: options.method,
    tenantId: partnerTenant,
    clientId,
    scopes,
    credentialOptions: { ...common, tenantId: partnerTenant },
    authorityHost,
    env: options.env,
    tokenCache: options.tokenCache,
    onDeviceCode: options.onDeviceCode,
    onTokenCache: options.onTokenCache,
    onCacheNote: options.onCacheNote,
    keepCacheContents: true,
  });
  let first: string;
  try {
    first = await partner.getToken();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(`Partner sign-in failed (${options.method}, tenant ${partnerTenant}): ${firstLine(error instanceof Error ? error.message : String(error))}`, { cause: error });
  }
  const partnerClaims = decodeTokenClaims(first);
  const serialized = partner.record();
  if (!partnerClaims || serialized === undefined) throw new AppError("The partner sign-in returned no account to reach customer tenants with.");
  const record = identity.deserializeAuthenticationRecord(serialized);
  const { MemoryTokenCache } = await import("./memory-cache.js");
  const { persistenceOptions } = await import("./identity-cache-plugin.js");

  const tenant = (customer: string): TenantToken => {
    let refusal: string | undefined;
    let token: AccessToken | undefined;
    let credential: InstanceType<typeof identity.DeviceCodeCredential> | undefined;
    const credentialOptions: DeviceCodeCredentialOptions = {
      ...common,
      tenantId: customer,
      // MSAL looks tokens up in the account's tenant before the authority's: the customer's profile of the account.
      authenticationRecord: { ...record, tenantId: customer } satisfies AuthenticationRecord,
      // Silent only: a customer that needs the user (no relationship, MFA, consent) fails with Entra's reason.
      disableAutomaticAuthentication: true,
      tokenCachePersistenceOptions: persistenceOptions(new MemoryTokenCache(undefined, partner.cacheContents)),
      ...(agent ? { agent } : {}),
      // @azure/identity replaces a failed silent attempt's error with "Automatic authentication has been
      // disabled"; Entra's own answer is read here, at the token endpoint's response.
      additionalPolicies: [{ position: "perCall", policy: { name: "entra-onboard-refusal", sendRequest: async (request, next) => {
        const response = await next(request);
        if (response.status >= 400 && /\/oauth2\/(v2\.0\/)?token$/.test(new URL(request.url).pathname)) refusal = entraReason(response.bodyAsText ?? undefined);
        return response;
      } } }],
    };
    return {
      getToken: async () => {
        if (token && token.expiresOnTimestamp - REFRESH_MARGIN_MS > Date.now()) return token.token;
        credential ??= new identity.DeviceCodeCredential(credentialOptions);
        refusal = undefined;
        try {
          token = await credential.getToken(scopes);
        } catch (error) {
          const reason = refusal ?? firstLine(error instanceof Error ? error.message : String(error));
          // The tenant is the caller's context and Entra's text names the account: the code comes first.
          throw new AppError(`Entra refused the sign-in: ${reason}`, { cause: error });
        }
        return token.token;
      },
    };
  };
  return { partnerTenantId: partnerClaims.tid, account: record.username, partnerClaims, tenant };
}

/** Entra's error_description, first line (the AADSTS code and text without trace and correlation ids). */
export function entraReason(body: string | undefined): string {
  try {
    const parsed = JSON.parse(body ?? "") as { error?: string; error_description?: string };
    if (parsed.error_description) return firstLine(parsed.error_description);
    if (parsed.error) return parsed.error;
  } catch {
    // Not JSON: fall through.
  }
  return firstLine(body ?? "") || "no reason given";
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0]?.trim() ?? "";
}
