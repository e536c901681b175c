/**
 * The MSAL token cache on disk: a cache plugin in MSAL's persistence interface ("Token cache
 * serialization in MSAL Node": beforeCacheAccess loads the file into MSAL's in-memory cache,
 * afterCacheAccess writes it back when MSAL changed it). The file is sealed with a key from the OS
 * keyring when one answers, else written as plain JSON with mode 0600; `description()` says which.
 * The keyring is asked only to open a sealed file or to write, and at most once per process.
 */
import { randomBytes } from "node:crypto";
import { displayPath } from "./cache-location.js";
import { KEY_BYTES, type KeyStore } from "./keyring.js";
import { readPrivateFile, writePrivateFile } from "./private-files.js";
import { seal, sealedWith, unseal } from "./sealed-cache.js";

/** The part of MSAL's TokenCacheContext this plugin uses. */
export interface CacheAccessContext {
  readonly cacheHasChanged: boolean;
  readonly tokenCache: { serialize(): string; deserialize(cache: string): void };
}

/** MSAL's ICachePlugin, structurally. */
export interface MsalCachePlugin {
  beforeCacheAccess(context: CacheAccessContext): Promise<void>;
  afterCacheAccess(context: CacheAccessContext): Promise<void>;
}

export interface PersistentTokenCacheOptions {
  file: string;
  /** Where the key lives; undefined: plain file. */
  keyStore: KeyStore | undefined;
  /** Why there is no key store, for the message ("no OS keyring found: …"). */
  noKeyStoreReason: string;
}

export class PersistentTokenCache implements MsalCachePlugin {
  private readonly file: string;
  private readonly keyStore: KeyStore | undefined;
  private plainReason: string;
  private storedKey: Promise<Buffer | undefined> | undefined;
  private writeKey: Promise<Buffer | undefined> | undefined;
  /** What the file is, as last read or written by this process. */
  private sealed: boolean | undefined;
  /** Problems worth a debug line (never secrets). */
  readonly notes: string[] = [];

  constructor(options: PersistentTokenCacheOptions) {
    this.file = options.file;
    this.keyStore = options.keyStore;
    this.plainReason = options.noKeyStoreReason;
  }

  async beforeCacheAccess(context: CacheAccessContext): Promise<void> {
    const json = await this.read();
    if (json === undefined) return;
    try {
      context.tokenCache.deserialize(json);
    } catch {
      // A damaged file costs one interactive sign-in, then it is overwritten.
      this.notes.push(`ignored a token cache that is not valid JSON: ${this.file}`);
    }
  }

  async afterCacheAccess(context: CacheAccessContext): Promise<void> {
    if (!context.cacheHasChanged) return;
    const json = context.tokenCache.serialize();
    this.writeKey ??= this.keyForWriting();
    const key = await this.writeKey;
    await writePrivateFile(this.file, key && this.keyStore ? seal(json, key, this.keyStore.id) : json);
    this.sealed = key !== undefined;
  }

  /** The cache's JSON (opened with the keyring's key when sealed); undefined when there is none or it cannot be opened. */
  async read(): Promise<string | undefined> {
    const text = await readPrivateFile(this.file);
    return text === undefined ? undefined : this.open(text);
  }

  /** "encrypted with the Secret Service keyring via secret-tool (~/.cache/…)" or "plain file … (mode 0600; …)". */
  description(): string {
    const where = displayPath(this.file);
    if (this.sealed && this.keyStore) return `encrypted with ${this.keyStore.description} (${where})`;
    // No reason of our own: this run only read a plain file that an earlier run wrote without a keyring.
    return `plain file ${where} (mode 0600; ${this.plainReason || "written when no OS keyring answered"})`;
  }

  get encrypted(): boolean {
    return this.sealed === true;
  }

  private async open(text: string): Promise<string | undefined> {
    const keyring = sealedWith(text);
    if (keyring === undefined) {
      this.sealed = false;
      return text;
    }
    if (!this.keyStore || this.keyStore.id !== keyring) {
      this.notes.push(`the token cache was encrypted with a keyring (${keyring}) that is not available now; signing in again`);
      return undefined;
    }
    const key = await this.loadKey();
    if (!key) {
      this.notes.push(this.plainReason ? `could not read the token cache key (${this.plainReason}); signing in again` : `the token cache key is no longer in ${this.keyStore.description}; signing in again`);
      return undefined;
    }
    try {
      const json = unseal(text, key);
      this.sealed = true;
      return json;
    } catch {
      this.notes.push("the token cache could not be decrypted (changed, or sealed with another key); signing in again");
      return undefined;
    }
  }

  private loadKey(): Promise<Buffer | undefined> {
    this.storedKey ??= this.keyStore
      ? this.keyStore.load().catch((error: unknown) => {
          this.plainReason = noAnswer(error);
          return undefined;
        })
      : Promise.resolve(undefined);
    return this.storedKey;
  }

  /** The existing key, or a new one saved to the keyring; undefined (plain file) when the keyring fails. */
  private async keyForWriting(): Promise<Buffer | undefined> {
    if (!this.keyStore) return undefined;
    const existing = await this.loadKey();
    if (existing) return existing;
    if (this.plainReason) return undefined;
    try {
      const key = randomBytes(KEY_BYTES);
      await this.keyStore.save(key);
      this.storedKey = Promise.resolve(key);
      return key;
    } catch (error) {
      this.plainReason = noAnswer(error);
      return undefined;
    }
  }
}

function noAnswer(error: unknown): string {
  return `no OS keyring answered: ${error instanceof Error ? error.message : String(error)}`;
}
