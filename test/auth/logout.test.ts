/** logout(): forget every kept sign-in, or one tenant's, and say what went. */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logout } from "../../src/auth/logout.js";
import { memoryKeyStore, signInWorld, type SignInWorld } from "./helpers.js";

let world: SignInWorld;
beforeAll(async () => {
  world = await signInWorld(2);
});
afterAll(async () => {
  await world?.close();
});

const a = () => world.sandbox.tenants[0]!;
const b = () => world.sandbox.tenants[1]!;

describe("logout", () => {
  it("--tenant forgets that tenant only: its next sign-in asks again, the other's does not", async () => {
    const directory = join(world.dir, "one-tenant");
    const keyStore = memoryKeyStore();
    const tokenCache = { directory, keyStore };
    await world.signIn({ tenant: a().initialDomain, tokenCache });
    await world.signIn({ tenant: b().initialDomain, tokenCache });

    const report = await logout({ env: {}, directory, keyStore, tenant: a().id });
    expect(report.removed).toHaveLength(2);
    expect(report.removed[0]).toBe(`sign-in of admin@${a().initialDomain} to tenant ${a().id} at ${world.sandbox.authorityHost}`);
    expect(report.removed[1]).toMatch(new RegExp(`^\\d+ token cache entries for tenant ${a().id} \\(admin@${a().initialDomain}\\)$`));
    expect(report.kept).toEqual([`sign-in of admin@${b().initialDomain} to tenant ${b().id} at ${world.sandbox.authorityHost}`]);
    // Still sealed with the same key, and B's sign-in still works from it.
    expect(JSON.parse(await readFile(join(directory, "token-cache.json"), "utf8"))).toMatchObject({ format: "entra-onboard/token-cache" });
    expect((await world.signIn({ tenant: b().initialDomain, tokenCache })).prompts).toBe(0);
    expect((await world.signIn({ tenant: a().initialDomain, tokenCache })).prompts).toBe(1);
  });

  it("without --tenant forgets everything, including the key, and keeps the directory", async () => {
    const directory = join(world.dir, "all");
    const keyStore = memoryKeyStore();
    await world.signIn({ tenant: a().initialDomain, tokenCache: { directory, keyStore } });
    await world.signIn({ tenant: b().initialDomain, tokenCache: { directory, keyStore } });

    const report = await logout({ env: {}, directory, keyStore });
    expect(report.removed).toEqual([
      `sign-in of admin@${a().initialDomain} to tenant ${a().id} at ${world.sandbox.authorityHost}`,
      `sign-in of admin@${b().initialDomain} to tenant ${b().id} at ${world.sandbox.authorityHost}`,
      `token cache ${join(directory, "token-cache.json")} (encrypted)`,
      "the token cache key in the test keyring",
    ]);
    expect(keyStore.stored).toBeUndefined();
    expect(await readdir(directory)).toEqual([]);
    expect((await stat(directory)).isDirectory()).toBe(true);
    expect((await world.signIn({ tenant: a().initialDomain, tokenCache: { directory, keyStore } })).prompts).toBe(1);
  });

  it("reports nothing when nothing is kept (and does not create the directory)", async () => {
    const directory = join(world.dir, "never-used");
    expect(await logout({ env: {}, directory, keyStore: null })).toEqual({ directory, removed: [], kept: [] });
    expect(await logout({ env: {}, directory, keyStore: null, tenant: a().id })).toEqual({ directory, removed: [], kept: [] });
    await expect(stat(directory)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("finds the cache through ENTRA_ONBOARD_CACHE_DIR like sign-in does", async () => {
    const directory = join(world.dir, "by-env");
    await world.signIn({ tokenCache: { directory, keyStore: null } });
    const report = await logout({ env: { ENTRA_ONBOARD_CACHE_DIR: directory, ENTRA_ONBOARD_KEYRING: "none" } });
    expect(report.directory).toBe(directory);
    expect(report.removed.at(-1)).toBe(`token cache ${join(directory, "token-cache.json")}`);
  });
});
