/**
 * Editing the MSAL token cache's JSON for `logout --tenant`: the cache schema shared by the MSAL
 * libraries keeps Account, IdToken, AccessToken, RefreshToken and AppMetadata entries, each with a
 * `home_account_id` of "<object id>.<home tenant id>" and, except refresh tokens, the `realm` (tenant)
 * it is for. Entries for the tenant, or of accounts whose home is that tenant, are dropped.
 */
interface CacheEntry {
  home_account_id?: string;
  realm?: string;
  username?: string;
}

type SerializedCache = Record<string, Record<string, CacheEntry> | undefined>;

export interface Pruned {
  json: string;
  removedEntries: number;
  usernames: string[];
}

export function removeTenantsFromCache(json: string, tenantIds: readonly string[]): Pruned {
  const wanted = new Set(tenantIds.map((t) => t.toLowerCase()));
  const cache = JSON.parse(json) as SerializedCache;
  let removedEntries = 0;
  const usernames = new Set<string>();
  for (const section of Object.values(cache)) {
    if (!section || typeof section !== "object") continue;
    for (const [key, entry] of Object.entries(section)) {
      const homeTenant = entry.home_account_id?.split(".")[1]?.toLowerCase();
      const realm = entry.realm?.toLowerCase();
      if (!(realm && wanted.has(realm)) && !(homeTenant && wanted.has(homeTenant))) continue;
      if (entry.username) usernames.add(entry.username);
      delete section[key];
      removedEntries += 1;
    }
  }
  return { json: JSON.stringify(cache), removedEntries, usernames: [...usernames] };
}
