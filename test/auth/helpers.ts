/** Signing in against an in-process sandbox through the real @azure/identity credentials, counting device codes. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KeyStore } from "../../src/auth/keyring.js";
import type { TokenCacheOptions, TokenCacheStatus } from "../../src/auth/sign-in-cache.js";
import { signIn } from "../../src/auth/sign-in.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";

export interface SignInWorld {
  sandbox: Sandbox;
  dir: string;
  /** Device-code requests the sandbox has answered so far. */
  deviceCodes(): number;
  /** Token endpoint requests (device-code polls, refresh-token grants) the sandbox has answered so far. */
  tokenRequests(): number;
  /** Device-code sign-in as a CLI run would do it; returns the token and what the cache reported. */
  signIn(options?: { tenant?: string; tokenCache?: boolean | TokenCacheOptions; env?: Record<string, string | undefined> }): Promise<{ token: string; tenantId: string; status: TokenCacheStatus | undefined; prompts: number; notes: string[] }>;
  close(): Promise<void>;
}

export async function signInWorld(tenants = 1): Promise<SignInWorld> {
  const lines: string[] = [];
  const sandbox = await startSandbox({ tenants, log: (line) => lines.push(line) });
  const dir = await mkdtemp(join(tmpdir(), "eo-auth-"));
  return {
    sandbox,
    dir,
    deviceCodes: () => lines.filter((l) => /^POST \/[^/]+\/oauth2\/v2\.0\/devicecode -> 200/.test(l)).length,
    tokenRequests: () => lines.filter((l) => /^POST \/[^/]+\/oauth2\/v2\.0\/token -> /.test(l)).length,
    signIn: async (options = {}) => {
      let status: TokenCacheStatus | undefined;
      let prompts = 0;
      const notes: string[] = [];
      const signed = await signIn({
        method: "device-code",
        tenant: options.tenant,
        authorityHost: sandbox.authorityHost,
        ca: sandbox.caPem,
        env: options.env ?? {},
        tokenCache: options.tokenCache ?? { directory: join(dir, "cache"), keyStore: null },
        onDeviceCode: () => (prompts += 1),
        onTokenCache: (s) => (status = s),
        onCacheNote: (n) => notes.push(n),
      });
      return { token: await signed.getToken(), tenantId: signed.tenantId, status, prompts, notes };
    },
    close: async () => {
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A keyring in memory: the sealing is real, only where the key lives is not the OS's. */
export function memoryKeyStore(id = "test-keyring"): KeyStore & { stored: Buffer | undefined; loads: number } {
  const store = {
    id,
    description: "the test keyring",
    stored: undefined as Buffer | undefined,
    loads: 0,
    load: async () => {
      store.loads += 1;
      return store.stored;
    },
    save: async (key: Buffer) => {
      store.stored = Buffer.from(key);
    },
    remove: async () => {
      const had = store.stored !== undefined;
      store.stored = undefined;
      return had;
    },
  };
  return store;
}
