/**
 * Browser and device-code sign-in, kept between runs: with a saved AuthenticationRecord and the token
 * cache, a later run gets its tokens silently (no device code, no browser). The credential never
 * prompts on its own (disableAutomaticAuthentication); when the silent attempt fails (nothing saved,
 * refresh token revoked or expired), we sign in interactively once and save the new record. Concurrent
 * token requests share that one interactive sign-in.
 */
import type { AuthenticationRecord, DeviceCodeCredentialOptions, TokenCredential } from "@azure/identity";
import { AppError } from "../shared/errors.js";
import type { SignInCache, TokenCacheOptions, TokenCacheStatus } from "./sign-in-cache.js";
import { DEFAULT_AUTHORITY_HOST, type RecordKey } from "./sign-in-records.js";

export interface InteractiveSignInOptions {
  method: "browser" | "device-code";
  tenantId: string;
  clientId: string;
  scopes: string[];
  /** What every credential gets. */
  credentialOptions: Pick<DeviceCodeCredentialOptions, "tenantId" | "clientId" | "authorityHost" | "disableInstanceDiscovery" | "tlsOptions">;
  authorityHost: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  /** false: neither read nor write anything between runs. */
  tokenCache: boolean | TokenCacheOptions | undefined;
  onDeviceCode?: ((message: string) => void) | undefined;
  onTokenCache?: ((status: TokenCacheStatus) => void) | undefined;
  onCacheNote?: ((note: string) => void) | undefined;
  /** Keep the MSAL cache's contents in memory too (a fleet sign-in hands them to each customer tenant's credential). */
  keepCacheContents?: boolean | undefined;
}

/** A browser or device-code sign-in: its token source, and what a fleet sign-in builds on. */
export interface InteractiveSignIn {
  getToken: () => Promise<string>;
  /** The serialized AuthenticationRecord of the signed-in account (no token), once known. */
  record: () => string | undefined;
  /** The MSAL cache as last written (with `keepCacheContents`); holds tokens, never log it. */
  cacheContents: () => string | undefined;
}

export async function interactiveTokenSource(options: InteractiveSignInOptions): Promise<() => Promise<string>> {
  return (await interactiveSignIn(options)).getToken;
}

export async function interactiveSignIn(options: InteractiveSignInOptions): Promise<InteractiveSignIn> {
  const identity = await import("@azure/identity");
  const cache = await openCache(options);
  const key: RecordKey = { authorityHost: options.authorityHost ?? DEFAULT_AUTHORITY_HOST, tenant: options.tenantId, clientId: options.clientId };
  const saved = await cache?.find(key);
  let account = saved?.username;
  let record = saved?.record;
  const memory = options.keepCacheContents ? new (await import("./memory-cache.js")).MemoryTokenCache(cache?.plugin) : undefined;
  const persistence = memory ? (await import("./identity-cache-plugin.js")).persistenceOptions(memory) : cache?.persistence;
  const shared = {
    ...options.credentialOptions,
    disableAutomaticAuthentication: true,
    ...(saved ? { authenticationRecord: identity.deserializeAuthenticationRecord(saved.record) } : {}),
    ...(persistence ? { tokenCachePersistenceOptions: persistence } : {}),
  };
  const credential: TokenCredential & { authenticate(scopes: string[]): Promise<AuthenticationRecord | undefined> } =
    options.method === "browser"
      ? new identity.InteractiveBrowserCredential({ ...shared, redirectUri: "http://localhost" })
      : new identity.DeviceCodeCredential({
          ...shared,
          // MSAL calls back even when the device-code request failed (e.g. unknown tenant), with no message.
          userPromptCallback: (info) => {
            if (info.message) options.onDeviceCode?.(info.message);
          },
        });

  let interactive = false;
  let pending: Promise<void> | undefined;
  const signInInteractively = (): Promise<void> =>
    (pending ??= (async () => {
      try {
        const signedIn = await credential.authenticate(options.scopes);
        interactive = true;
        if (signedIn) {
          account = signedIn.username;
          record = identity.serializeAuthenticationRecord(signedIn);
          await cache?.save(key, record);
        }
      } finally {
        pending = undefined;
      }
    })());

  let reported = false;
  const getToken = async () => {
    let token = await silently(credential, options.scopes);
    if (!token) {
      await signInInteractively();
      token = await credential.getToken(options.scopes);
    }
    if (!token) throw new AppError("Sign-in returned no token.");
    if (cache && !reported) {
      reported = true;
      for (const note of cache.notes()) options.onCacheNote?.(note);
      options.onTokenCache?.(cache.status(!interactive, account));
    }
    return token.token;
  };
  return { getToken, record: () => record, cacheContents: () => memory?.contents() };
}

async function openCache(options: InteractiveSignInOptions): Promise<SignInCache | undefined> {
  if (options.tokenCache === false) return undefined;
  const { openSignInCache } = await import("./sign-in-cache.js");
  return openSignInCache(options.tokenCache === true || options.tokenCache === undefined ? {} : options.tokenCache, options.env);
}

/** The token when MSAL can get it without the user; null when it needs an interactive sign-in. */
async function silently(credential: TokenCredential, scopes: string[]) {
  try {
    return await credential.getToken(scopes);
  } catch (error) {
    if (error instanceof Error && error.name === "AuthenticationRequiredError") return null;
    throw error;
  }
}
