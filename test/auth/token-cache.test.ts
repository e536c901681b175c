/**
 * Sign in once: a second device-code sign-in with the same cache directory gets its token from the
 * token cache (no device-code request reaches the sandbox), through the real @azure/identity
 * DeviceCodeCredential and the sandbox authority's refresh-token grant.
 */
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { delegatedScopes } from "../../src/auth/sign-in.js";
import { DEFAULT_CLIENT_ID } from "../../src/core/well-known.js";
import { memoryKeyStore, signInWorld, type SignInWorld } from "./helpers.js";

let world: SignInWorld;
beforeAll(async () => {
  world = await signInWorld(2);
});
afterAll(async () => {
  await world?.close();
});

const cacheIn = (name: string) => join(world.dir, name);
const tenantA = () => world.sandbox.tenants[0]!;
const tenantB = () => world.sandbox.tenants[1]!;

describe("a kept device-code sign-in", () => {
  it("is reused by the next sign-in: no device code, and a token the authority accepts", async () => {
    const directory = cacheIn("reuse");
    const before = world.deviceCodes();
    const first = await world.signIn({ tokenCache: { directory, keyStore: null } });
    expect(first.prompts).toBe(1);
    expect(first.status).toMatchObject({ reused: false, encrypted: false, account: `admin@${tenantA().initialDomain}` });
    expect(first.status?.message).toMatch(/^token cache: plain file .*token-cache\.json \(mode 0600; the caller asked for no keyring\); saved the sign-in of admin@/);

    const second = await world.signIn({ tokenCache: { directory, keyStore: null } });
    expect(world.deviceCodes() - before).toBe(1);
    expect(second.prompts).toBe(0);
    expect(second.status).toMatchObject({ reused: true, account: `admin@${tenantA().initialDomain}` });
    expect(second.tenantId).toBe(tenantA().id);
    expect(world.sandbox.authority.verifyAccessToken(second.token, "https://graph.microsoft.com")?.tid).toBe(tenantA().id);
  });

  it("keeps the directory 0700 and its files 0600, with no temporary files left behind", async () => {
    const directory = cacheIn("modes");
    await world.signIn({ tokenCache: { directory, keyStore: null } });
    expect((await stat(directory)).mode & 0o777).toBe(0o700);
    for (const file of ["token-cache.json", "sign-in-records.json"]) expect((await stat(join(directory, file))).mode & 0o777).toBe(0o600);
    const { readdir } = await import("node:fs/promises");
    expect((await readdir(directory)).sort()).toEqual(["sign-in-records.json", "token-cache.json"]);
  });

  it("is not reused for another --tenant, but is for the same tenant named by its id", async () => {
    const directory = cacheIn("tenants");
    const before = world.deviceCodes();
    const a = await world.signIn({ tenant: tenantA().initialDomain, tokenCache: { directory, keyStore: null } });
    expect(a.tenantId).toBe(tenantA().id);
    const b = await world.signIn({ tenant: tenantB().initialDomain, tokenCache: { directory, keyStore: null } });
    expect(b.prompts).toBe(1);
    expect(b.tenantId).toBe(tenantB().id);
    const aById = await world.signIn({ tenant: tenantA().id, tokenCache: { directory, keyStore: null } });
    expect(aById.prompts).toBe(0);
    expect(aById.tenantId).toBe(tenantA().id);
    expect(world.deviceCodes() - before).toBe(2);
  });

  it("falls back to a device code when the refresh token is revoked and the access token expired", async () => {
    const directory = cacheIn("revoked");
    await world.signIn({ tokenCache: { directory, keyStore: null } });
    const file = join(directory, "token-cache.json");
    const cache = JSON.parse(await readFile(file, "utf8")) as Record<string, Record<string, Record<string, string>>>;
    for (const at of Object.values(cache.AccessToken ?? {})) {
      at.expires_on = "1000";
      at.extended_expires_on = "1000";
    }
    const refreshTokens = Object.values(cache.RefreshToken ?? {});
    expect(refreshTokens.length).toBeGreaterThan(0);
    for (const rt of refreshTokens) rt.secret = "sbx-rt.revoked";
    await writeFile(file, JSON.stringify(cache), { mode: 0o600 });

    const again = await world.signIn({ tokenCache: { directory, keyStore: null } });
    expect(again.prompts).toBe(1);
    expect(again.status?.reused).toBe(false);
    expect(world.sandbox.authority.verifyAccessToken(again.token, "https://graph.microsoft.com")).toBeDefined();
    expect(await readFile(file, "utf8")).not.toContain("sbx-rt.revoked");
    // …and the sign-in it saved is reused again.
    expect((await world.signIn({ tokenCache: { directory, keyStore: null } })).prompts).toBe(0);
  });

  it("tokenCache: false neither reads nor writes", async () => {
    const directory = cacheIn("off");
    await world.signIn({ tokenCache: { directory, keyStore: null } });
    const before = await readFile(join(directory, "token-cache.json"), "utf8");
    const off = await world.signIn({ tokenCache: false });
    expect(off.prompts).toBe(1);
    expect(off.status).toBeUndefined();
    expect(await readFile(join(directory, "token-cache.json"), "utf8")).toBe(before);
  });
});

describe("the kept access token (fast path, no @azure/identity)", () => {
  const tokenEntries = async (file: string) => {
    const cache = JSON.parse(await readFile(file, "utf8")) as Record<string, Record<string, Record<string, string>>>;
    return { cache, accessTokens: Object.values(cache.AccessToken ?? {}) };
  };

  it("is used as it is while fresh: no request to the authority at all, and the same token", async () => {
    const directory = cacheIn("kept");
    const first = await world.signIn({ tokenCache: { directory, keyStore: null } });
    const before = world.tokenRequests();
    const second = await world.signIn({ tokenCache: { directory, keyStore: null } });
    expect(world.tokenRequests() - before).toBe(0);
    expect(second.prompts).toBe(0);
    expect(second.token).toBe(first.token);
    expect(second.notes.join("\n")).toMatch(/used the kept access token as it is \(fresh for \d+ more min\); @azure\/identity not loaded/);
    expect(second.status).toMatchObject({ reused: true, encrypted: false, account: `admin@${tenantA().initialDomain}` });
  });

  it("is left to MSAL within five minutes of expiry: a refresh-token grant, no device code, a new token", async () => {
    const directory = cacheIn("due");
    const first = await world.signIn({ tokenCache: { directory, keyStore: null } });
    const file = join(directory, "token-cache.json");
    const { cache, accessTokens } = await tokenEntries(file);
    expect(accessTokens).toHaveLength(1);
    for (const at of accessTokens) at.expires_on = String(Math.floor(Date.now() / 1000) + 120);
    await writeFile(file, JSON.stringify(cache), { mode: 0o600 });
    const before = world.tokenRequests();
    const again = await world.signIn({ tokenCache: { directory, keyStore: null } });
    expect(world.tokenRequests() - before).toBe(1);
    expect(again.prompts).toBe(0);
    expect(again.token).not.toBe(first.token);
    expect(again.notes.join("\n")).not.toContain("used the kept access token");
    expect(world.sandbox.authority.verifyAccessToken(again.token, "https://graph.microsoft.com")?.tid).toBe(tenantA().id);
  });

  it("is not used for another tenant or client id: those sign in with a device code", async () => {
    const directory = cacheIn("kept-other");
    await world.signIn({ tenant: tenantA().id, tokenCache: { directory, keyStore: null } });
    const b = await world.signIn({ tenant: tenantB().id, tokenCache: { directory, keyStore: null } });
    expect(b.prompts).toBe(1);
    expect(b.tenantId).toBe(tenantB().id);
  });

  it("gives way to MSAL in a long run once it is due, which then refreshes it", async () => {
    const directory = cacheIn("long-run");
    const first = await world.signIn({ tokenCache: { directory, keyStore: null } });
    const { interactiveTokenSource } = await import("../../src/auth/interactive-sign-in.js");
    let now = Date.now();
    const notes: string[] = [];
    const getToken = await interactiveTokenSource({
      method: "device-code",
      tenantId: "organizations",
      clientId: DEFAULT_CLIENT_ID,
      scopes: delegatedScopes("global"),
      credentialOptions: { tenantId: "organizations", clientId: DEFAULT_CLIENT_ID, authorityHost: world.sandbox.authorityHost, disableInstanceDiscovery: true, tlsOptions: { ca: world.sandbox.caPem } },
      authorityHost: world.sandbox.authorityHost,
      env: {},
      tokenCache: { directory, keyStore: null },
      onCacheNote: (n) => notes.push(n),
      now: () => now,
    });
    expect(await getToken()).toBe(first.token);
    expect(notes.join("\n")).toContain("used the kept access token");
    // Meanwhile the token expired for MSAL too (it reads the file again); an hour later for us.
    const file = join(directory, "token-cache.json");
    const { cache, accessTokens } = await tokenEntries(file);
    for (const at of accessTokens) at.expires_on = "1000";
    await writeFile(file, JSON.stringify(cache), { mode: 0o600 });
    now += 3_600_000;
    const before = world.tokenRequests();
    const refreshed = await getToken();
    expect(refreshed).not.toBe(first.token);
    expect(world.tokenRequests() - before).toBe(1);
    expect(world.sandbox.authority.verifyAccessToken(refreshed, "https://graph.microsoft.com")?.tid).toBe(tenantA().id);
  });
});

describe("an encrypted token cache (key in an injected key store)", () => {
  it("holds no token text on disk, and the next sign-in still reuses it", async () => {
    const directory = cacheIn("sealed");
    const keyring = memoryKeyStore();
    const first = await world.signIn({ tokenCache: { directory, keyStore: keyring } });
    expect(first.status).toMatchObject({ encrypted: true, reused: false });
    expect(first.status?.message).toMatch(/^token cache: encrypted with the test keyring \(.*token-cache\.json\); saved the sign-in/);
    expect(keyring.stored).toHaveLength(32);
    const text = await readFile(join(directory, "token-cache.json"), "utf8");
    expect(JSON.parse(text)).toMatchObject({ format: "entra-onboard/token-cache", keyring: "test-keyring", cipher: "aes-256-gcm" });
    // Neither the file nor its decoded ciphertext carries token text or the cache's plain structure.
    // (Short markers such as "eyJ" can occur in random base64 by chance; these cannot, in practice.)
    const ciphertext = Buffer.from((JSON.parse(text) as { data: string }).data, "base64").toString("latin1");
    for (const secretish of [first.token.slice(40, 80), first.token.slice(-40), "sbx-rt.", "RefreshToken", "AccessToken", '"secret"', `admin@${tenantA().initialDomain}`]) {
      expect(text).not.toContain(secretish);
      expect(ciphertext).not.toContain(secretish);
    }
    expect((await stat(join(directory, "token-cache.json"))).mode & 0o777).toBe(0o600);

    const second = await world.signIn({ tokenCache: { directory, keyStore: keyring } });
    expect(second.prompts).toBe(0);
    expect(second.status).toMatchObject({ encrypted: true, reused: true });
    // The fast path opens the sealed file with the keyring's key, as MSAL's cache plugin does.
    expect(second.token).toBe(first.token);
    expect(second.notes.join("\n")).toContain("used the kept access token as it is");
  });

  it("signs in again when the key is gone, and seals the new cache with a new key", async () => {
    const directory = cacheIn("lost-key");
    const keyring = memoryKeyStore();
    await world.signIn({ tokenCache: { directory, keyStore: keyring } });
    const oldKey = keyring.stored;
    await keyring.remove();
    const again = await world.signIn({ tokenCache: { directory, keyStore: keyring } });
    expect(again.prompts).toBe(1);
    expect(again.notes.join("\n")).toContain("no longer in the test keyring");
    expect(keyring.stored).toHaveLength(32);
    expect(keyring.stored?.equals(oldKey!)).toBe(false);
    expect((await world.signIn({ tokenCache: { directory, keyStore: keyring } })).prompts).toBe(0);
  });

  it("refuses a changed file (authenticated encryption) and signs in again", async () => {
    const directory = cacheIn("tampered");
    const keyring = memoryKeyStore();
    await world.signIn({ tokenCache: { directory, keyStore: keyring } });
    const file = join(directory, "token-cache.json");
    const sealed = JSON.parse(await readFile(file, "utf8")) as { data: string };
    const bytes = Buffer.from(sealed.data, "base64");
    bytes[10] = (bytes[10] ?? 0) ^ 1;
    await writeFile(file, JSON.stringify({ ...sealed, data: bytes.toString("base64") }));
    const again = await world.signIn({ tokenCache: { directory, keyStore: keyring } });
    expect(again.prompts).toBe(1);
    expect(again.notes.join("\n")).toContain("could not be decrypted");
  });

  it("asks the key store once per process, not once per token", async () => {
    const directory = cacheIn("one-load");
    const keyring = memoryKeyStore();
    await world.signIn({ tokenCache: { directory, keyStore: keyring } });
    keyring.loads = 0;
    const { signIn } = await import("../../src/auth/sign-in.js");
    const signed = await signIn({ method: "device-code", authorityHost: world.sandbox.authorityHost, ca: world.sandbox.caPem, env: {}, tokenCache: { directory, keyStore: keyring } });
    for (let i = 0; i < 5; i++) await signed.getToken();
    expect(keyring.loads).toBe(1);
  });
});
