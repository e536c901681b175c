/**
 * `entra-onboard logout`: forget kept sign-ins. Without a tenant: the token cache, every sign-in record,
 * leftovers of interrupted writes and the cache's key in the OS keyring. With a tenant (id or the domain
 * it was signed in with): that tenant's records and its entries in the token cache. Only our own files
 * are removed, never the directory, which ENTRA_ONBOARD_CACHE_DIR may point at.
 */
import { isGuid } from "../shared/text.js";
import { cacheLocation, displayPath, locationIn, RECORDS_FILE, TOKEN_CACHE_FILE } from "./cache-location.js";
import { removeTenantsFromCache } from "./cache-contents.js";
import { osKeyStore, type KeyStore } from "./keyring.js";
import { leftoverTempFiles, readPrivateFile, removeFile } from "./private-files.js";
import { readRecords, removeRecords, type StoredRecord } from "./sign-in-records.js";
import { sealedWith } from "./sealed-cache.js";
import { PersistentTokenCache } from "./token-cache.js";

export interface LogoutOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** Only this tenant: its id, or the name given as --tenant when signing in. Default: everything. */
  tenant?: string | undefined;
  directory?: string | undefined;
  /** As for sign-in: default the OS keyring; null none. */
  keyStore?: KeyStore | null | undefined;
}

export interface LogoutReport {
  directory: string;
  /** One line per thing removed; empty when nothing was kept. */
  removed: string[];
  /** With a tenant: the sign-ins still kept (so a user who typed another name for the tenant sees it). */
  kept: string[];
}

export async function logout(options: LogoutOptions): Promise<LogoutReport> {
  const location = options.directory ? locationIn(options.directory) : cacheLocation(options.env);
  const keyStore = options.keyStore === null ? undefined : (options.keyStore ?? (await osKeyStore(location.directory, options.env)).keyStore);
  if (!options.tenant) return { directory: location.directory, removed: await forgetAll(location.tokenCacheFile, location.recordsFile, location.directory, keyStore), kept: [] };
  const removed = await forgetTenant(location.tokenCacheFile, location.recordsFile, options.tenant, keyStore);
  return { directory: location.directory, removed, kept: (await readRecords(location.recordsFile)).map(describeRecord) };
}

async function forgetAll(cacheFile: string, recordsFile: string, directory: string, keyStore: KeyStore | undefined): Promise<string[]> {
  const removed = (await readRecords(recordsFile)).map(describeRecord);
  await removeFile(recordsFile);
  const text = await readPrivateFile(cacheFile);
  const keyring = text === undefined ? undefined : sealedWith(text);
  if (await removeFile(cacheFile)) removed.push(`token cache ${displayPath(cacheFile)}${keyring ? " (encrypted)" : ""}`);
  if (keyring && keyStore?.id === keyring && (await keyStore.remove())) removed.push(`the token cache key in ${keyStore.description}`);
  const leftovers = [...(await leftoverTempFiles(directory, TOKEN_CACHE_FILE)), ...(await leftoverTempFiles(directory, RECORDS_FILE))];
  for (const file of leftovers) await removeFile(file);
  if (leftovers.length > 0) removed.push(`${leftovers.length} temporary file(s) of interrupted writes`);
  return removed;
}

async function forgetTenant(cacheFile: string, recordsFile: string, tenant: string, keyStore: KeyStore | undefined): Promise<string[]> {
  const wanted = tenant.trim().toLowerCase();
  const records = await removeRecords(recordsFile, (r) => r.tenant.toLowerCase() === wanted || r.tenantId.toLowerCase() === wanted);
  const removed = records.map(describeRecord);
  const tenantIds = [...new Set([...records.map((r) => r.tenantId.toLowerCase()), ...(isGuid(wanted) ? [wanted] : [])].filter(Boolean))];
  const text = tenantIds.length === 0 ? undefined : await readPrivateFile(cacheFile);
  if (text === undefined) return removed;
  // Read and rewrite through the cache plugin, so an encrypted cache stays encrypted with its key
  // (and a plain one stays plain: logout should not create keyring entries).
  const cache = new PersistentTokenCache({ file: cacheFile, keyStore: sealedWith(text) ? keyStore : undefined, noKeyStoreReason: "" });
  let json: string | undefined;
  await cache.beforeCacheAccess({ cacheHasChanged: false, tokenCache: { serialize: () => "", deserialize: (j) => (json = j) } });
  if (json === undefined) return removed;
  const pruned = removeTenantsFromCache(json, tenantIds);
  if (pruned.removedEntries === 0) return removed;
  await cache.afterCacheAccess({ cacheHasChanged: true, tokenCache: { serialize: () => pruned.json, deserialize: () => undefined } });
  removed.push(`${pruned.removedEntries} token cache entries for tenant ${tenantIds.join(", ")}${pruned.usernames.length ? ` (${pruned.usernames.join(", ")})` : ""}`);
  return removed;
}

function describeRecord(r: StoredRecord): string {
  return `sign-in of ${r.username || "an account"} to tenant ${r.tenantId || r.tenant} at ${r.authorityHost}`;
}
