/**
 * The token cache key in a real Secret Service (GNOME Keyring on a private D-Bus, through secret-tool),
 * as on a Linux desktop. Skips where the Debian packages are missing.
 */
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { osKeyStore } from "../../src/auth/keyring.js";
import { logout } from "../../src/auth/logout.js";
import { secretServiceSkipReason, startSecretService, type SecretService } from "../support/secret-service.js";
import { signInWorld, type SignInWorld } from "./helpers.js";

const skipReason = process.platform === "linux" ? secretServiceSkipReason() : "Linux only";
if (skipReason) console.warn(`skipping the Secret Service tests: ${skipReason}`);

describe.skipIf(Boolean(skipReason))("token cache key in the Secret Service (secret-tool)", () => {
  let service: SecretService;
  let world: SignInWorld;
  let env: Record<string, string | undefined>;
  beforeAll(async () => {
    service = await startSecretService();
    world = await signInWorld();
    env = { PATH: process.env.PATH, ...service.env };
  });
  afterAll(async () => {
    await world?.close();
    await service?.close();
  });

  it("stores, finds and clears a key per cache directory", async () => {
    const directory = join(world.dir, "key-only");
    const { keyStore } = await osKeyStore(directory, env, "linux");
    expect(keyStore?.id).toBe("secret-service");
    expect(await keyStore!.load()).toBeUndefined();
    const key = randomBytes(32);
    await keyStore!.save(key);
    expect((await keyStore!.load())?.equals(key)).toBe(true);
    expect(service.secretTool(["lookup", "application", "entra-onboard", "cache-directory", directory]).stdout).toBe(key.toString("base64"));
    expect(await (await osKeyStore(join(world.dir, "other"), env, "linux")).keyStore!.load()).toBeUndefined();
    expect(await keyStore!.remove()).toBe(true);
    expect(await keyStore!.load()).toBeUndefined();
  });

  it("encrypts the cache with a key from the keyring, reuses the sign-in, and logout clears the key", async () => {
    const directory = join(world.dir, "sealed");
    const first = await world.signIn({ tokenCache: { directory }, env });
    expect(first.status?.message).toMatch(/^token cache: encrypted with the Secret Service keyring via secret-tool \(.*token-cache\.json\); saved the sign-in of admin@/);
    const text = await readFile(join(directory, "token-cache.json"), "utf8");
    expect(JSON.parse(text)).toMatchObject({ format: "entra-onboard/token-cache", keyring: "secret-service" });
    expect(text).not.toContain(first.token.slice(-40));
    const lookup = ["lookup", "application", "entra-onboard", "cache-directory", directory];
    expect(Buffer.from(service.secretTool(lookup).stdout, "base64")).toHaveLength(32);

    const second = await world.signIn({ tokenCache: { directory }, env });
    expect(second.prompts).toBe(0);
    expect(second.status).toMatchObject({ encrypted: true, reused: true });

    const report = await logout({ env, directory });
    expect(report.removed).toContain("the token cache key in the Secret Service keyring via secret-tool");
    expect(service.secretTool(lookup)).toMatchObject({ code: 1, stdout: "" });
  });

  it("falls back to a plain 0600 file, and says why, when no Secret Service answers", async () => {
    const directory = join(world.dir, "no-service");
    const result = await world.signIn({ tokenCache: { directory }, env: { PATH: process.env.PATH, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(world.dir, "no-bus")}` } });
    expect(result.status?.encrypted).toBe(false);
    expect(result.status?.message).toMatch(/^token cache: plain file .*token-cache\.json \(mode 0600; no OS keyring answered: secret-tool lookup: .+\); saved/);
    expect(JSON.parse(await readFile(join(directory, "token-cache.json"), "utf8"))).toHaveProperty("RefreshToken");
  });
});
