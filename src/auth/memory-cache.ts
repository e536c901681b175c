/**
 * MSAL token caches held in memory, in MSAL's cache-plugin interface ("Token cache serialization in
 * MSAL Node"), for a fleet sign-in: the partner's credential keeps the serialized contents of its
 * cache (on top of the token cache file, when there is one), and each customer tenant's credential
 * starts from those contents, so MSAL finds the partner's account and refresh token there. A
 * customer's own tokens stay in its own memory plugin and go when the tenant is done: a fleet of
 * 1,000 tenants never rewrites the cache file 1,000 times.
 */
import type { CacheAccessContext, MsalCachePlugin } from "./token-cache.js";

export class MemoryTokenCache implements MsalCachePlugin {
  private json: string | undefined;

  /**
   * @param inner - a cache to read and write through (the token cache file); without one, memory only.
   * @param seed - where the contents come from before this cache has any of its own.
   */
  constructor(
    private readonly inner?: MsalCachePlugin | undefined,
    private readonly seed?: (() => string | undefined) | undefined,
  ) {}

  async beforeCacheAccess(context: CacheAccessContext): Promise<void> {
    if (this.inner) return this.inner.beforeCacheAccess(context);
    const json = this.json ?? this.seed?.();
    if (json !== undefined) context.tokenCache.deserialize(json);
  }

  async afterCacheAccess(context: CacheAccessContext): Promise<void> {
    if (this.inner) await this.inner.afterCacheAccess(context);
    if (context.cacheHasChanged || this.json === undefined) this.json = context.tokenCache.serialize();
  }

  /** The serialized cache as of the last access; undefined before the first. Holds tokens: never log it. */
  contents(): string | undefined {
    return this.json;
  }
}
