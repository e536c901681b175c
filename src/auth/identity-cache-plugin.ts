/**
 * Plugs our token cache into @azure/identity through its documented extension point,
 * `useIdentityPlugin` (the route @azure/identity-cache-persistence takes, without its native keytar
 * dependency). A credential given `tokenCachePersistenceOptions` asks the registered persistence
 * factory for an MSAL cache plugin; ours hands back the one the credential carries in those options.
 */
import { useIdentityPlugin, type TokenCachePersistenceOptions } from "@azure/identity";
import type { MsalCachePlugin } from "./token-cache.js";
import { InternalError } from "../shared/errors.js";

/** The options as we pass them: @azure/identity forwards them to the factory unchanged (spread). */
interface CarriedPersistence extends TokenCachePersistenceOptions {
  cachePlugin?: MsalCachePlugin;
}

/** The slice of @azure/identity's plugin context (AzurePluginContext) we use; plugins receive it as unknown. */
interface PluginContext {
  cachePluginControl: { setPersistence(factory: (options?: TokenCachePersistenceOptions) => Promise<MsalCachePlugin>): void };
}

// Why this runs at module evaluation: useIdentityPlugin sets a process-wide provider inside
// @azure/identity (there is no per-credential hook), so it must happen exactly once, and an ES module
// body runs once per process. This module is imported lazily, only when a sign-in uses the cache, so
// nothing else pays for it. The factory itself keeps no state: each credential brings its own plugin,
// so credentials with different cache directories (or no cache) cannot see each other's tokens.
// Caveat for library users: a later useIdentityPlugin(cachePersistencePlugin) replaces this factory.
useIdentityPlugin((context) => {
  (context as PluginContext).cachePluginControl.setPersistence(async (options) => {
    const plugin = (options as CarriedPersistence | undefined)?.cachePlugin;
    if (!plugin) throw new InternalError("the token cache factory was called without a cache plugin in tokenCachePersistenceOptions");
    return plugin;
  });
});

/**
 * Credential options that make @azure/identity read and write `plugin`. @azure/identity builds a
 * second plugin for CAE tokens from the same options; we never ask for CAE (enableCae), so only one is used.
 */
export function persistenceOptions(plugin: MsalCachePlugin): TokenCachePersistenceOptions {
  const options: CarriedPersistence = { enabled: true, name: "entra-onboard", unsafeAllowUnencryptedStorage: true, cachePlugin: plugin };
  return options;
}
