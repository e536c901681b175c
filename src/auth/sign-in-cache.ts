/**
 * Everything a browser or device-code sign-in keeps between runs, opened once per sign-in: the token
 * cache (token-cache.ts) plus the AuthenticationRecords (sign-in-records.ts), in the private per-user
 * directory (cache-location.ts), with the key in the OS keyring when there is one (keyring.ts).
 * Opening it loads nothing of @azure/identity: a run that finds a fresh access token (kept-token.ts)
 * never needs it.
 */
import type { TokenCachePersistenceOptions } from "@azure/identity";
import { cacheLocation, locationIn, type CacheLocation } from "./cache-location.js";
import { findKeptAccessToken, type KeptToken } from "./kept-token.js";
import { osKeyStore, type KeyStore } from "./keyring.js";
import { ensurePrivateDirectory } from "./private-files.js";
import { findRecord, saveRecord, type RecordKey, type StoredRecord } from "./sign-in-records.js";
import { PersistentTokenCache, type MsalCachePlugin } from "./token-cache.js";

export interface TokenCacheOptions {
  /** Default: ENTRA_ONBOARD_CACHE_DIR, else the per-user cache directory of the OS. */
  directory?: string | undefined;
  /** Where the encryption key lives. Default: the OS keyring if its tool is installed; null: plain 0600 file. */
  keyStore?: KeyStore | null | undefined;
}

/** Reported once per sign-in that used the cache. */
export interface TokenCacheStatus {
  /** One line for the log: where the cache is, encrypted or not, reused or saved. Never a token. */
  message: string;
  file: string;
  encrypted: boolean;
  /** True when no interactive sign-in was needed this time. */
  reused: boolean;
  account: string | undefined;
}

export interface SignInCache {
  location: CacheLocation;
  /** The MSAL cache plugin over the token cache file. */
  plugin: MsalCachePlugin;
  /** For @azure/identity credentials (loads its plugin hook, so only when a credential is built). */
  persistence(): Promise<TokenCachePersistenceOptions>;
  find(key: RecordKey): Promise<StoredRecord | undefined>;
  /** A fresh access token of `record`'s account for `scopes`, straight from the cache; undefined on any doubt. */
  keptToken(record: StoredRecord, scopes: readonly string[], nowSeconds: number): Promise<KeptToken | undefined>;
  save(key: RecordKey, serializedRecord: string): Promise<StoredRecord>;
  status(reused: boolean, account: string | undefined): TokenCacheStatus;
  /** Things worth a debug line (an unreadable cache, a missing key). */
  notes(): readonly string[];
}

type Env = Readonly<Record<string, string | undefined>>;

export async function openSignInCache(options: TokenCacheOptions, env: Env): Promise<SignInCache> {
  const location = options.directory ? locationIn(options.directory) : cacheLocation(env);
  await ensurePrivateDirectory(location.directory);
  const choice =
    options.keyStore === null
      ? { keyStore: undefined, reason: "the caller asked for no keyring" }
      : options.keyStore
        ? { keyStore: options.keyStore, reason: "" }
        : await osKeyStore(location.directory, env);
  const cache = new PersistentTokenCache({ file: location.tokenCacheFile, keyStore: choice.keyStore, noKeyStoreReason: choice.reason });
  return {
    location,
    plugin: cache,
    persistence: async () => (await import("./identity-cache-plugin.js")).persistenceOptions(cache),
    find: (key) => findRecord(location.recordsFile, key),
    keptToken: async (record, scopes, nowSeconds) => {
      const json = await cache.read();
      return json === undefined ? undefined : findKeptAccessToken(json, { record: record.record, clientId: record.clientId, scopes, nowSeconds });
    },
    save: (key, serialized) => saveRecord(location.recordsFile, key, serialized, new Date()),
    status: (reused, account) => ({
      message: `token cache: ${cache.description()}; ${reused ? "reused the sign-in" : "saved the sign-in"}${account ? ` of ${account}` : ""}${reused ? "" : " for the next run (entra-onboard logout clears it)"}`,
      file: location.tokenCacheFile,
      encrypted: cache.encrypted,
      reused,
      account,
    }),
    notes: () => cache.notes,
  };
}
