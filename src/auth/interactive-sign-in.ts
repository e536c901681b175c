/**
 * Browser and device-code sign-in, kept between runs: with a saved AuthenticationRecord and the token
 * cache, a later run gets its tokens silently (no device code, no browser). The credential never
 * prompts on its own (disableAutomaticAuthentication); when the silent attempt fails (nothing saved,
 * refresh token revoked or expired), we sign in interactively once and save the new record. Concurrent
 * token requests share that one interactive sign-in. While the kept access token is fresh, a single
 * run uses it as it is and @azure/identity is not even loaded (kept-token.ts); the credential is built
 * when the token is due. A fleet sign-in (interactiveSignIn) always builds the credential: it hands
 * the MSAL cache on to the customer tenants.
 */
import type { AuthenticationRecord, DeviceCodeCredentialOptions, TokenCredential } from "@azure/identity";
import { AppError } from "../shared/errors.js";
import type { SignInCache, TokenCacheOptions, TokenCacheStatus } from "./sign-in-cache.js";
import { DEFAULT_AUTHORITY_HOST, type RecordKey, type StoredRecord } from "./sign-in-records.js";

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
  /** Milliseconds since the epoch (tests pass a clock). */
  now?: (() => number) | undefined;
}

/** A browser or device-code sign-in: its token source, and what a fleet sign-in builds on. */
export interface InteractiveSignIn {
  getToken: () => Promise<string>;
  /** The serialized AuthenticationRecord of the signed-in account (no token), once known. */
  record: () => string | undefined;
  /** The MSAL cache as last written (with `keepCacheContents`); holds tokens, never log it. */
  cacheContents: () => string | undefined;
}

/** Said once per sign-in that used the cache: its notes, then where it is and whether the sign-in was reused. */
type Report = (reused: boolean, account: string | undefined) => void;

function reporter(options: InteractiveSignInOptions, cache: SignInCache | undefined): Report {
  let reported = false;
  return (reused, account) => {
    if (!cache || reported) return;
    reported = true;
    for (const note of cache.notes()) options.onCacheNote?.(note);
    options.onTokenCache?.(cache.status(reused, account));
  };
}

/** The token source of a single run: the kept access token while it is fresh, else the credential. */
export async function interactiveTokenSource(options: InteractiveSignInOptions): Promise<() => Promise<string>> {
  const cache = await openCache(options);
  const key = recordKey(options);
  const saved = await cache?.find(key);
  const now = options.now ?? Date.now;
  // The kept access token, while MSAL itself would still hand it out unchanged: no @azure/identity.
  // Whole seconds rounded, as MSAL writes cached_at (TimeUtils.nowSeconds).
  const kept = cache && saved ? await cache.keptToken(saved, options.scopes, Math.round(now() / 1000)) : undefined;
  const report = reporter(options, cache);
  let viaIdentity: Promise<InteractiveSignIn> | undefined;
  let noted = false;
  return async () => {
    if (kept && now() < kept.renewAt * 1000) {
      if (!noted) options.onCacheNote?.(`used the kept access token as it is (fresh for ${Math.round((kept.renewAt * 1000 - now()) / 60_000)} more min); @azure/identity not loaded`);
      noted = true;
      report(true, saved?.username);
      return kept.token;
    }
    const signIn = await (viaIdentity ??= identitySignIn(options, cache, key, saved, report));
    return signIn.getToken();
  };
}

/** A sign-in through @azure/identity's credential, always (a fleet sign-in needs its record and cache). */
export async function interactiveSignIn(options: InteractiveSignInOptions): Promise<InteractiveSignIn> {
  const cache = await openCache(options);
  const key = recordKey(options);
  return identitySignIn(options, cache, key, await cache?.find(key), reporter(options, cache));
}

function recordKey(options: InteractiveSignInOptions): RecordKey {
  return { authorityHost: options.authorityHost ?? DEFAULT_AUTHORITY_HOST, tenant: options.tenantId, clientId: options.clientId };
}

/** The credential path: MSAL's silent flow (refresh token) first, an interactive sign-in when that cannot work. */
async function identitySignIn(
  options: InteractiveSignInOptions,
  cache: SignInCache | undefined,
  key: RecordKey,
  saved: StoredRecord | undefined,
  report: Report,
): Promise<InteractiveSignIn> {
  const identity = await import("@azure/identity");
  let account = saved?.username;
  let record = saved?.record;
  const memory = options.keepCacheContents ? new (await import("./memory-cache.js")).MemoryTokenCache(cache?.plugin) : undefined;
  const persistence = memory ? (await import("./identity-cache-plugin.js")).persistenceOptions(memory) : await cache?.persistence();
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

  const getToken = async () => {
    let token = await silently(credential, options.scopes);
    if (!token) {
      await signInInteractively();
      token = await credential.getToken(options.scopes);
    }
    if (!token) throw new AppError("Sign-in returned no token.");
    report(!interactive, account);
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
