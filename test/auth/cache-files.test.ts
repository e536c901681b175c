/** Where the cache lives, how its files are written, and the sealed format, without any sign-in. */
import { randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cacheDirectory, displayPath } from "../../src/auth/cache-location.js";
import { osKeyStore } from "../../src/auth/keyring.js";
import { ensurePrivateDirectory, writePrivateFile } from "../../src/auth/private-files.js";
import { seal, sealedWith, unseal } from "../../src/auth/sealed-cache.js";
import { signIn } from "../../src/auth/sign-in.js";
import { InputError } from "../../src/shared/errors.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "eo-cache-files-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("cache location", () => {
  it("follows each OS's per-user cache directory, and ENTRA_ONBOARD_CACHE_DIR overrides it", () => {
    expect(cacheDirectory({}, "linux", "/home/ada")).toBe("/home/ada/.cache/entra-onboard");
    expect(cacheDirectory({ XDG_CACHE_HOME: "/var/cache/ada" }, "linux", "/home/ada")).toBe("/var/cache/ada/entra-onboard");
    // The XDG Base Directory Specification: a relative path is invalid and ignored.
    expect(cacheDirectory({ XDG_CACHE_HOME: "cache" }, "linux", "/home/ada")).toBe("/home/ada/.cache/entra-onboard");
    expect(cacheDirectory({}, "darwin", "/Users/ada")).toBe("/Users/ada/Library/Caches/entra-onboard");
    expect(cacheDirectory({ LOCALAPPDATA: "C:\\Users\\ada\\AppData\\Local" }, "win32", "C:\\Users\\ada")).toBe("C:\\Users\\ada\\AppData\\Local\\entra-onboard");
    expect(cacheDirectory({ ENTRA_ONBOARD_CACHE_DIR: "/tmp/eo", XDG_CACHE_HOME: "/x" }, "linux", "/home/ada")).toBe("/tmp/eo");
    expect(displayPath("/home/ada/.cache/entra-onboard/token-cache.json", "/home/ada")).toBe("~/.cache/entra-onboard/token-cache.json");
  });

  it("uses no keyring with ENTRA_ONBOARD_KEYRING=none, and says when the keyring tool is missing", async () => {
    expect(await osKeyStore(dir, { ENTRA_ONBOARD_KEYRING: "none", PATH: process.env.PATH })).toEqual({ keyStore: undefined, reason: "ENTRA_ONBOARD_KEYRING=none" });
    const none = await osKeyStore(dir, { PATH: join(dir, "empty-path") }, "linux");
    expect(none.keyStore).toBeUndefined();
    expect(none.reason).toBe("no OS keyring found: secret-tool is not installed");
  });
});

describe("private files", () => {
  it("creates the directory 0700 and makes an existing shared one private", async () => {
    const fresh = join(dir, "a", "b");
    await ensurePrivateDirectory(fresh);
    expect((await stat(fresh)).mode & 0o777).toBe(0o700);
    const shared = join(dir, "shared");
    await mkdir(shared, { mode: 0o777 });
    await chmod(shared, 0o777);
    await ensurePrivateDirectory(shared);
    expect((await stat(shared)).mode & 0o777).toBe(0o700);
  });

  it("refuses a symbolic link as the directory (exit 2, names the way out)", async () => {
    const target = join(dir, "real");
    await mkdir(target);
    const link = join(dir, "link");
    await symlink(target, link);
    const error = await ensurePrivateDirectory(link).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/not a directory.*--no-token-cache/);
  });

  it("writes 0600 even under a permissive umask, replaces atomically and leaves no temporary file", async () => {
    const sub = join(dir, "files");
    await ensurePrivateDirectory(sub);
    const file = join(sub, "token-cache.json");
    const old = process.umask(0);
    try {
      await writePrivateFile(file, "one");
      await writeFile(join(sub, "unrelated"), "x");
      await writePrivateFile(file, "two");
    } finally {
      process.umask(old);
    }
    expect(await readFile(file, "utf8")).toBe("two");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readdir(sub)).sort()).toEqual(["token-cache.json", "unrelated"]);
  });
});

describe("sealed cache format", () => {
  const key = randomBytes(32);
  it("round-trips, names its keyring, and refuses another key or a changed header or body", () => {
    const text = seal('{"AccessToken":{}}', key, "secret-service");
    expect(sealedWith(text)).toBe("secret-service");
    expect(sealedWith('{"Account":{}}')).toBeUndefined();
    expect(unseal(text, key)).toBe('{"AccessToken":{}}');
    expect(() => unseal(text, randomBytes(32))).toThrow();
    const parsed = JSON.parse(text) as Record<string, string>;
    expect(() => unseal(JSON.stringify({ ...parsed, keyring: "macos-keychain" }), key)).toThrow();
    const body = Buffer.from(parsed.data!, "base64");
    body[0] = (body[0] ?? 0) ^ 0xff;
    expect(() => unseal(JSON.stringify({ ...parsed, data: body.toString("base64") }), key)).toThrow();
    // A fresh IV each time: the same cache never seals to the same bytes.
    expect(seal("same", key, "k")).not.toBe(seal("same", key, "k"));
  });
});

describe("sign-ins that keep nothing", () => {
  it("--auth access-token writes no cache, even with one configured", async () => {
    const directory = join(dir, "access-token");
    const token = `eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify({ tid: "00000000-0000-0000-0000-000000000001" })).toString("base64url")}.`;
    const signed = await signIn({ method: "access-token", env: { ENTRA_ONBOARD_ACCESS_TOKEN: token }, tokenCache: { directory, keyStore: null } });
    expect(signed.tenantId).toBe("00000000-0000-0000-0000-000000000001");
    await expect(stat(directory)).rejects.toMatchObject({ code: "ENOENT" });
  });
});
