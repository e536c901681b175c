/**
 * Browser and device-code sign-in, kept between runs: with a saved AuthenticationRecord and the token
 * cache, a later run gets its tokens silently (no device code, no browser). The credential never
 * prompts on its own (disableAutomaticAuthentication); when the silent attempt fails (nothing saved,
 * refresh token revoked or expired), we sign in interactively once and save the new record. Concurrent
 * token requests share that one interactive sign-in. While the kept access token is fresh, it is used
 * as it is and @azure/identity is not even loaded (kept-token.ts); it is built when the token is due.
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
  /** Milliseconds since the epoch (tests pass a clock). */
  now?: (() => number) | undefined;
}

export async function interactiveTokenSource(options: InteractiveSignInOptions): Promise<() => Promise<string>> {
  const cache = await openCache(options);
  const key: RecordKey = { authorityHost: options.authorityHost ?? DEFAULT_AUTHORITY_HOST, tenant: options.tenantId, clientId: options.clientId };
  const saved = await cache?.find(key);
  const now = options.now ?? Date.now;
  // The kept access token, while MSAL itself would still hand it out unchanged: no @azure/identity.
  // Whole seconds rounded, as MSAL writes cached_at (TimeUtils.nowSeconds).
  const kept = cache && saved ? await cache.keptToken(saved, options.scopes, Math.round(now() / 1000)) : undefined;
  let viaIdentity: Promise<TokenSource> | undefined;
  let reported = false;
  const report = (source: TokenSource | undefined) => {
    if (!cache || reported) return;
    reported = true;
    for (const note of cache.notes()) options.onCacheNote?.(note);
    options.onTokenCache?.(cache.status(source?.interactive() !== true, source?.account() ?? saved?.username));
  };
  return async () => {
    if (kept && now() < kept.renewAt * 1000) {
      if (!reported) options.onCacheNote?.(`used the kept access token as it is (fresh for ${Math.round((kept.renewAt * 1000 - now()) / 60_000)} more min); @azure/identity not loaded`);
      report(undefined);
      return kept.token;
    }
    const source = await (viaIdentity ??= identityTokenSource(options, cache, key, saved));
    const token = await source.getToken();
    report(source);
    return token;
  };
}

interface TokenSource {
  getToken(): Promise<string>;
  /** True once this run signed in interactively. */
  interactive(): boolean;
  account(): string | undefined;
}

/** The credential path: MSAL's silent flow (refresh token) first, an interactive sign-in when that cannot work. */
async function identityTokenSource(options: InteractiveSignInOptions, cache: SignInCache | undefined, key: RecordKey, saved: StoredRecord | undefined): Promise<TokenSource> {
  const identity = await import("@azure/identity");
  let account = saved?.username;
  const shared = {
    ...options.credentialOptions,
    disableAutomaticAuthentication: true,
    ...(saved ? { authenticationRecord: identity.deserializeAuthenticationRecord(saved.record) } : {}),
    ...(cache ? { tokenCachePersistenceOptions: await cache.persistence() } : {}),
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
        const record = await credential.authenticate(options.scopes);
        interactive = true;
        if (record) {
          account = record.username;
          await cache?.save(key, identity.serializeAuthenticationRecord(record));
        }
      } finally {
        pending = undefined;
      }
    })());

  return {
    getToken: async () => {
      let token = await silently(credential, options.scopes);
      if (!token) {
        await signInInteractively();
        token = await credential.getToken(options.scopes);
      }
      if (!token) throw new AppError("Sign-in returned no token.");
      return token.token;
    },
    interactive: () => interactive,
    account: () => account,
  };
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
