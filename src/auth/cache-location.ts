/**
 * Where the token cache and the sign-in records live: one private directory per user, in the place
 * each OS keeps per-user caches (the XDG Base Directory Specification's $XDG_CACHE_HOME on Linux,
 * ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows). ENTRA_ONBOARD_CACHE_DIR overrides it (tests
 * and CI use a throwaway directory).
 */
import { homedir } from "node:os";
import { isAbsolute, join, resolve, win32 } from "node:path";

export const CACHE_DIR_ENV = "ENTRA_ONBOARD_CACHE_DIR";
/** `none`: keep the cache as a plain 0600 file even where an OS keyring exists. */
export const KEYRING_ENV = "ENTRA_ONBOARD_KEYRING";

const APP_DIR = "entra-onboard";

/** The MSAL token cache (plain JSON, or an encrypted envelope around it). */
export const TOKEN_CACHE_FILE = "token-cache.json";
/** @azure/identity AuthenticationRecords, by authority host + tenant + client id. No tokens. */
export const RECORDS_FILE = "sign-in-records.json";
/** Windows only: the cache key, protected with DPAPI for the current user. */
export const DPAPI_KEY_FILE = "token-cache-key.dpapi";

export interface CacheLocation {
  directory: string;
  tokenCacheFile: string;
  recordsFile: string;
}

type Env = Readonly<Record<string, string | undefined>>;

export function cacheLocation(env: Env, platform: NodeJS.Platform = process.platform, home: string = homedir()): CacheLocation {
  return locationIn(cacheDirectory(env, platform, home));
}

export function locationIn(directory: string): CacheLocation {
  const dir = resolve(directory);
  return { directory: dir, tokenCacheFile: join(dir, TOKEN_CACHE_FILE), recordsFile: join(dir, RECORDS_FILE) };
}

export function cacheDirectory(env: Env, platform: NodeJS.Platform, home: string): string {
  const override = env[CACHE_DIR_ENV]?.trim();
  if (override) return resolve(override);
  switch (platform) {
    case "darwin":
      return join(home, "Library", "Caches", APP_DIR);
    case "win32": {
      const local = env.LOCALAPPDATA?.trim();
      return local ? win32.join(local, APP_DIR) : win32.join(home, "AppData", "Local", APP_DIR);
    }
    default: {
      // The spec says a relative $XDG_CACHE_HOME is invalid and must be ignored.
      const xdg = env.XDG_CACHE_HOME?.trim();
      return join(xdg && isAbsolute(xdg) ? xdg : join(home, ".cache"), APP_DIR);
    }
  }
}

/** For messages: the home directory as `~`, so log lines stay short and do not spell out user names. */
export function displayPath(path: string, home: string = homedir()): string {
  return home && (path === home || path.startsWith(`${home}/`) || path.startsWith(`${home}\\`)) ? `~${path.slice(home.length)}` : path;
}
