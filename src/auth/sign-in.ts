/**
 * Sign-in. Every method goes through @azure/identity except a ready-made token from the
 * environment (never from argv: command lines end up in shell history and process lists). The
 * heavy @azure/identity module is imported only here, only when a command signs in. Browser and
 * device-code sign-ins are kept between runs (interactive-sign-in.ts); the other two keep nothing.
 */
import { decodeTokenClaims } from "../shared/jwt.js";
import type { TokenClaims } from "../shared/jwt.js";
import { AppError, InputError } from "../shared/errors.js";
import { isGuid } from "../shared/text.js";
import { cloudOf, DEFAULT_CLOUD, type CloudName } from "../core/clouds.js";
import { DEFAULT_CLIENT_ID, DELEGATED_SCOPES } from "../core/well-known.js";
import type { TokenCacheOptions, TokenCacheStatus } from "./sign-in-cache.js";

export const AUTH_METHODS = ["browser", "device-code", "azure-cli", "access-token"] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

export const ACCESS_TOKEN_ENV = "ENTRA_ONBOARD_ACCESS_TOKEN";

export interface SignInOptions {
  method: AuthMethod;
  /** Tenant id or domain to sign in to; default "organizations" (the admin's home tenant). */
  tenant?: string | undefined;
  clientId?: string | undefined;
  /** The tenant's cloud (default global): its authority, and the Graph resource the scopes name. */
  cloud?: CloudName | undefined;
  /** Authority host, e.g. https://login.microsoftonline.com or the sandbox's https://127.0.0.1:PORT (default: the cloud's). */
  authorityHost?: string | undefined;
  /** PEM of the only CA to trust for the authority (the sandbox's); certificate checks stay on. */
  ca?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  /** Where device-code instructions go (stderr in the CLI). */
  onDeviceCode?: ((message: string) => void) | undefined;
  /** Keep a browser or device-code sign-in between runs (default true); false neither reads nor writes. */
  tokenCache?: boolean | TokenCacheOptions | undefined;
  /** Told once which cache was used, encrypted or not, and whether the sign-in was reused. */
  onTokenCache?: ((status: TokenCacheStatus) => void) | undefined;
  /** Why a cached sign-in could not be used (an unreadable file, a missing key): debug detail. */
  onCacheNote?: ((note: string) => void) | undefined;
}

export interface SignedIn {
  /** Returns a valid access token for Graph, refreshing silently as needed. */
  getToken: () => Promise<string>;
  tenantId: string;
  claims: TokenClaims | undefined;
}

/** Browser where one can open; device code on SSH or a display-less Linux session. */
export function defaultAuthMethod(env: Readonly<Record<string, string | undefined>>, platform = process.platform): AuthMethod {
  if (env.SSH_CONNECTION || env.SSH_TTY) return "device-code";
  if (platform === "linux" && !env.DISPLAY && !env.WAYLAND_DISPLAY) return "device-code";
  return "browser";
}

export async function signIn(options: SignInOptions): Promise<SignedIn> {
  const getToken = options.method === "access-token" ? staticToken(options.env) : await credentialToken(options);
  let first: string;
  try {
    first = await getToken();
  } catch (error) {
    if (error instanceof AppError) throw error;
    // An unknown tenant is the user's input, not a failed operation (AADSTS90002 / MSAL invalid_tenant; AADSTS90038: it is in another cloud).
    if (/invalid_tenant|AADSTS90002|AADSTS90038/.test(firstLine(error))) {
      // A tenant of another Microsoft cloud is unknown to this cloud's authority too ("National clouds", Microsoft identity platform).
      const where = authorityHostFor(options.cloud, options.authorityHost) ?? cloudOf(DEFAULT_CLOUD).authority;
      const code = /AADSTS90038/.test(firstLine(error)) ? "AADSTS90038" : "AADSTS90002";
      throw new InputError(
        `Tenant '${options.tenant ?? "organizations"}' was not found by the sign-in service at ${where} (${code}): check --tenant (a tenant id or its *.onmicrosoft.com domain), and --cloud if the tenant lives in another Microsoft cloud (now ${options.cloud ?? DEFAULT_CLOUD}).`,
        { cause: error },
      );
    }
    throw new AppError(`Sign-in failed (${options.method}): ${firstLine(error)}`, { cause: error });
  }
  const claims = decodeTokenClaims(first);
  const tenantId = claims?.tid ?? (options.tenant && isGuid(options.tenant) ? options.tenant : undefined);
  if (!tenantId) throw new InputError("Cannot tell which tenant the access token is for (no tid claim); pass --tenant <tenant id>.");
  return { getToken, tenantId, claims };
}

function staticToken(env: Readonly<Record<string, string | undefined>>): () => Promise<string> {
  const token = env[ACCESS_TOKEN_ENV]?.trim();
  if (!token) {
    throw new InputError(`--auth access-token needs a Graph access token in the ${ACCESS_TOKEN_ENV} environment variable (tokens are never accepted as arguments).`);
  }
  return async () => token;
}

/**
 * The authority to sign in at: the one given (the sandbox), else the cloud's. For the global cloud
 * none is passed, so @azure/identity's default (the same host) and kept sign-ins stay as they were.
 */
export function authorityHostFor(cloud: CloudName | undefined, authorityHost: string | undefined): string | undefined {
  if (authorityHost) return authorityHost;
  return (cloud ?? DEFAULT_CLOUD) === DEFAULT_CLOUD ? undefined : cloudOf(cloud).authority;
}

/** The delegated scopes, named on the cloud's own Graph resource ("Access national cloud deployments with the Microsoft Graph SDKs"). */
export function delegatedScopes(cloud: CloudName | undefined): string[] {
  const graph = cloudOf(cloud).graph;
  return DELEGATED_SCOPES.map((s) => `${graph}/${s}`);
}

async function credentialToken(options: SignInOptions): Promise<() => Promise<string>> {
  const tenantId = options.tenant ?? "organizations";
  const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
  const authorityHost = authorityHostFor(options.cloud, options.authorityHost);
  const common = {
    tenantId,
    clientId,
    ...(authorityHost ? { authorityHost } : {}),
    // The sandbox is not a real cloud: skip the instance discovery call to login.microsoftonline.com.
    ...(options.ca ? { disableInstanceDiscovery: true, tlsOptions: { ca: options.ca } } : {}),
  };
  switch (options.method) {
    case "browser":
    case "device-code": {
      const { interactiveTokenSource } = await import("./interactive-sign-in.js");
      return interactiveTokenSource({
        method: options.method,
        tenantId,
        clientId,
        scopes: delegatedScopes(options.cloud),
        credentialOptions: common,
        authorityHost,
        env: options.env,
        tokenCache: options.tokenCache,
        onDeviceCode: options.onDeviceCode,
        onTokenCache: options.onTokenCache,
        onCacheNote: options.onCacheNote,
      });
    }
    case "azure-cli": {
      const identity = await import("@azure/identity");
      // az can only hand out its pre-authorised `.default` set; preflight reports what it lacks.
      // In another cloud az must be pointed at it first (`az cloud set --name AzureUSGovernment`).
      const credential = new identity.AzureCliCredential(options.tenant ? { tenantId: options.tenant } : {});
      const scope = `${cloudOf(options.cloud).graph}/.default`;
      return async () => {
        const token = await credential.getToken(scope);
        if (!token) throw new AppError("Sign-in returned no token.");
        return token.token;
      };
    }
    default:
      throw new InputError(`Unknown --auth ${options.method as string}.`);
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // Entra's error_description ends its first line with CRLF.
  return text.split(/\r?\n/)[0] ?? text;
}
