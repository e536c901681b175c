/**
 * The two file primitives every read and write of the tool goes through: a bounded read (regular
 * files only, at most a cap) and the atomic, exclusive write. Both are fed what an attacker or a
 * careless user would hand over: devices, pipes, huge (sparse) files, planted symbolic links.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { lstat, mkdtemp, readdir, readFile, rm, stat, symlink, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readHeldCertificate } from "../../src/cert/files.js";
import { writeConnectionFile } from "../../src/core/local-state.js";
import { emptyManaged, type ConnectionFile } from "../../src/core/record.js";
import { createFileExclusive, tempPathFor, writeFileAtomic } from "../../src/shared/atomic-file.js";
import { readBoundedFile } from "../../src/shared/bounded-read.js";
import { fixture } from "../cert/helpers.js";

const made: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "eo-files-"));
  made.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function hasMkfifo(): boolean {
  try {
    execFileSync("mkfifo", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("readBoundedFile", () => {
  it("reads a regular file up to and including the cap, and refuses one byte more", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "exact"), Buffer.alloc(1000, 1));
    await writeFile(join(dir, "over"), Buffer.alloc(1001, 1));
    const exact = await readBoundedFile(join(dir, "exact"), 1000);
    expect(exact.ok && exact.bytes.length).toBe(1000);
    expect(await readBoundedFile(join(dir, "over"), 1000)).toMatchObject({ ok: false, code: "too-large" });
  });

  it("refuses an 88 MB (sparse) file from its size, without reading it", async () => {
    const path = join(await tempDir(), "huge.yaml");
    await writeFile(path, "");
    await truncate(path, 88 * 1024 * 1024);
    expect(await readBoundedFile(path, 256 * 1024)).toMatchObject({ ok: false, code: "too-large" });
  });

  it.skipIf(!existsSync("/dev/zero"))("refuses /dev/zero (a device that never ends) instead of reading it", async () => {
    expect(await readBoundedFile("/dev/zero", 1024)).toMatchObject({ ok: false, code: "not-a-file" });
  });

  it.skipIf(process.platform === "win32" || !hasMkfifo())("refuses a named pipe without blocking on it (skipped without mkfifo)", async () => {
    const fifo = join(await tempDir(), "pipe");
    execFileSync("mkfifo", [fifo]);
    expect(await readBoundedFile(fifo, 1024)).toMatchObject({ ok: false, code: "not-a-file" });
  });

  it.skipIf(process.platform === "win32" || !hasMkfifo())("a named pipe planted as --out's private key is refused, not waited on (skipped without mkfifo)", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "certificate.cer"), await readFile(fixture("byo.cer")));
    execFileSync("mkfifo", [join(dir, "private-key.pem")]);
    await expect(readHeldCertificate(dir)).rejects.toThrow(/private-key\.pem: not a regular file/);
  });

  it("says missing for a missing file or directory, and not-a-file for a directory", async () => {
    const dir = await tempDir();
    expect(await readBoundedFile(join(dir, "nope"), 10)).toMatchObject({ ok: false, code: "missing" });
    expect(await readBoundedFile(join(dir, "nope", "deeper"), 10)).toMatchObject({ ok: false, code: "missing" });
    expect(await readBoundedFile(dir, 10)).toMatchObject({ ok: false, code: "not-a-file" });
  });
});

describe("writeFileAtomic", () => {
  it("writes with the exact mode, leaves no temporary file, and uses a fresh hidden name each time", async () => {
    const dir = await tempDir();
    const path = join(dir, "key.pem");
    await writeFileAtomic(path, "secret", { mode: 0o600 });
    await writeFileAtomic(path, "newer", { mode: 0o600 });
    expect(await readFile(path, "utf8")).toBe("newer");
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(["key.pem"]);
    const [a, b] = [tempPathFor(path), tempPathFor(path)];
    expect(a).not.toBe(b);
    expect(a).toMatch(/\/\.key\.pem\.[0-9a-f]{16}\.tmp$/);
  });

  it("replaces a symbolic link planted at the final path instead of writing through it", async () => {
    const dir = await tempDir();
    const victim = join(dir, "victim");
    await writeFile(victim, "untouched");
    await symlink(victim, join(dir, "out.txt"));
    await writeFileAtomic(join(dir, "out.txt"), "data", { mode: 0o644 });
    expect(await readFile(victim, "utf8")).toBe("untouched");
    expect((await lstat(join(dir, "out.txt"))).isSymbolicLink()).toBe(false);
  });
});

describe("createFileExclusive (the --out lock)", () => {
  it("creates the file whole with the exact mode, leaves no temporary file, and refuses when anything is there", async () => {
    const dir = await tempDir();
    const path = join(dir, "entra-onboard.lock");
    await createFileExclusive(path, "first\n", { mode: 0o600 });
    expect(await readFile(path, "utf8")).toBe("first\n");
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await expect(createFileExclusive(path, "second\n", { mode: 0o600 })).rejects.toMatchObject({ code: "EEXIST" });
    expect(await readFile(path, "utf8")).toBe("first\n");
    expect(await readdir(dir)).toEqual(["entra-onboard.lock"]);
  });

  it("never follows a symbolic link planted at the path, even a dangling one", async () => {
    const dir = await tempDir();
    const victim = join(dir, "victim");
    await symlink(victim, join(dir, "entra-onboard.lock"));
    await expect(createFileExclusive(join(dir, "entra-onboard.lock"), "lock", { mode: 0o600 })).rejects.toMatchObject({ code: "EEXIST" });
    expect(existsSync(victim)).toBe(false);
    expect((await readdir(dir)).sort()).toEqual(["entra-onboard.lock"]);
  });
});

describe("connection.json's temporary file", () => {
  const connection: ConnectionFile = {
    formatVersion: 2,
    uniqueName: "entra-onboard-xops-app-1a2b3c4d",
    displayName: "Xops-App",
    friendlyName: "Contoso - Xops-App",
    tenantId: "11111111-2222-3333-4444-555555555555",
    cloud: "global",
    appId: "22222222-3333-4444-5555-666666666666",
    organization: "contoso.onmicrosoft.com",
    applicationObjectId: "33333333-4444-5555-6666-777777777777",
    servicePrincipalId: "44444444-5555-6666-7777-888888888888",
    certificate: null,
    managed: emptyManaged(),
  };

  it("never follows a symbolic link planted at the predictable connection.json.<pid>.tmp", async () => {
    const dir = await tempDir();
    const victim = join(await tempDir(), "victim.txt");
    await writeFile(victim, "untouched\n");
    // Where the tool used to write: a name anyone can predict from the process id.
    await symlink(victim, join(dir, `connection.json.${process.pid}.tmp`));
    const path = await writeConnectionFile(dir, connection);
    expect(await readFile(victim, "utf8")).toBe("untouched\n");
    expect(JSON.parse(await readFile(path, "utf8"))).toMatchObject({ appId: connection.appId });
    expect((await lstat(path)).isSymbolicLink()).toBe(false);
  });
});
