import { X509Certificate, createPrivateKey } from "node:crypto";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { connect, createSecureContext, createServer } from "node:tls";
import type { AddressInfo } from "node:net";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { generateCertificate } from "../../src/cert/generate.js";
import { inspectCertificate } from "../../src/cert/inspect.js";
import { PFX_FILE, PFX_ITERATIONS, buildPfx, writePfxFile } from "../../src/cert/pfx.js";
import type { GeneratedCertificate } from "../../src/cert/types.js";
import { InputError } from "../../src/shared/errors.js";
import { fixture } from "./helpers.js";

const PASSPHRASE = "correct horse battery staple";
// Non-ASCII on purpose: PBKDF2 takes UTF-8 bytes while the MAC takes a BMPString, and both sides must agree.
const UNICODE_PASSPHRASE = "pässwörd €-ß 🔑";
const PASS_VAR = "PFX_TEST_PASSPHRASE";

/** OpenSSL 3's `pkcs12` text is what these assertions read; other versions word it differently. */
function opensslVersion(): string | undefined {
  const result = spawnSync("openssl", ["version"], { encoding: "utf8" });
  return result.status === 0 && /^OpenSSL 3\./.test(result.stdout) ? result.stdout.trim() : undefined;
}
const OPENSSL = opensslVersion();
const opensslNote = OPENSSL ? `(${OPENSSL})` : "(SKIPPED: no OpenSSL 3 `openssl` on PATH; install the Debian package openssl)";

let byo: GeneratedCertificate;
let root: string;

beforeAll(async () => {
  const der = new X509Certificate(await readFile(fixture("byo.pem"))).raw;
  byo = { ...inspectCertificate(der), privateKeyPem: await readFile(fixture("byo.key.pem"), "utf8") };
});
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "cert-pfx-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function pfxFile(passphrase: string, cert: GeneratedCertificate = byo): Promise<string> {
  const path = join(root, "test.pfx");
  await writeFile(path, await buildPfx({ certificate: cert.pem, privateKeyPem: cert.privateKeyPem, passphrase }));
  return path;
}

/** Runs `openssl pkcs12` with the passphrase in the environment, as -passin env: reads it. */
function openssl(args: string[], passphrase: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync("openssl", ["pkcs12", ...args, "-passin", `env:${PASS_VAR}`], {
    encoding: "utf8",
    env: { ...process.env, [PASS_VAR]: passphrase },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe.skipIf(!OPENSSL)(`openssl pkcs12 reads the PFX ${opensslNote}`, () => {
  it("names AES-256-CBC, PBKDF2 with hmacWithSHA256 for both bags, and a SHA-256 MAC", async () => {
    const path = await pfxFile(PASSPHRASE);
    const info = openssl(["-info", "-noout", "-in", path], PASSPHRASE);
    expect(info.status, info.stderr).toBe(0);
    const text = info.stdout + info.stderr;
    expect(text).toContain(`MAC: sha256, Iteration ${PFX_ITERATIONS}`);
    const pbes2 = `PBES2, PBKDF2, AES-256-CBC, Iteration ${PFX_ITERATIONS}, PRF hmacWithSHA256`;
    expect(text).toContain(`PKCS7 Encrypted data: ${pbes2}`);
    expect(text).toContain(`Shrouded Keybag: ${pbes2}`);
    expect(text).toContain("Certificate bag");
    expect(text).not.toMatch(/RC2|3DES|sha1/i);
  });

  it("gives back the same certificate and the key that belongs to it, paired by friendlyName and localKeyID", async () => {
    const path = await pfxFile(PASSPHRASE);
    const certOut = openssl(["-in", path, "-nokeys", "-clcerts"], PASSPHRASE);
    expect(certOut.status, certOut.stderr).toBe(0);
    const extracted = new X509Certificate(certOut.stdout);
    expect(extracted.raw.equals(Buffer.from(byo.der))).toBe(true);

    const keyOut = openssl(["-in", path, "-nocerts", "-nodes"], PASSPHRASE);
    expect(keyOut.status, keyOut.stderr).toBe(0);
    const key = createPrivateKey(keyOut.stdout);
    expect(extracted.checkPrivateKey(key)).toBe(true);
    expect(key.export({ type: "pkcs8", format: "pem" })).toBe(createPrivateKey(byo.privateKeyPem).export({ type: "pkcs8", format: "pem" }));

    // Windows pairs key and certificate by these attributes; both bags must carry the same values.
    const localKeyId = byo.thumbprint.replace(/(..)(?!$)/g, "$1 ");
    for (const out of [certOut.stdout, keyOut.stdout]) {
      expect(out).toContain("friendlyName: entra-onboard BYO Test");
      expect(out).toContain(`localKeyID: ${localKeyId}`);
    }
  });

  it("opens with a non-ASCII passphrase", async () => {
    const path = await pfxFile(UNICODE_PASSPHRASE);
    const out = openssl(["-in", path, "-nocerts", "-nodes"], UNICODE_PASSPHRASE);
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toContain("-----BEGIN PRIVATE KEY-----");
  });

  it("refuses a wrong passphrase with a MAC verify error", async () => {
    const path = await pfxFile(PASSPHRASE);
    const out = openssl(["-info", "-noout", "-in", path], `${PASSPHRASE}!`);
    expect(out.status).not.toBe(0);
    expect(out.stderr).toContain("Mac verify error");
    expect(out.stdout).not.toContain("Shrouded Keybag");
  });
});

describe("Node's TLS reads the PFX", () => {
  it("accepts it with the passphrase and serves a handshake with its key", async () => {
    const pfx = await buildPfx({ certificate: byo.der, privateKeyPem: byo.privateKeyPem, passphrase: UNICODE_PASSPHRASE });
    expect(() => createSecureContext({ pfx: Buffer.from(pfx), passphrase: UNICODE_PASSPHRASE })).not.toThrow();

    // A completed handshake proves the server signed with the key in the PFX for the certificate in it.
    const server = createServer({ pfx: Buffer.from(pfx), passphrase: UNICODE_PASSPHRASE }, (socket) => socket.end());
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    try {
      const { port } = server.address() as AddressInfo;
      // The fixture is a self-signed client certificate, so the client skips chain checks and compares it directly.
      const socket = connect({ host: "127.0.0.1", port, rejectUnauthorized: false });
      await once(socket, "secureConnect");
      const peer = socket.getPeerX509Certificate();
      socket.destroy();
      expect(peer?.raw.equals(Buffer.from(byo.der))).toBe(true);
    } finally {
      server.close();
    }
  });

  it("throws on a wrong passphrase", async () => {
    const pfx = Buffer.from(await buildPfx({ certificate: byo.der, privateKeyPem: byo.privateKeyPem, passphrase: PASSPHRASE }));
    expect(() => createSecureContext({ pfx, passphrase: "wrong" })).toThrow(/mac verify failure/i);
    expect(() => createSecureContext({ pfx })).toThrow();
  });
});

describe("buildPfx input checks", () => {
  it("refuses an empty or blank passphrase", async () => {
    for (const passphrase of ["", "   "]) {
      await expect(buildPfx({ certificate: byo.der, privateKeyPem: byo.privateKeyPem, passphrase })).rejects.toThrow(InputError);
    }
  });

  it("refuses a key that does not belong to the certificate", async () => {
    const foreignKey = await readFile(fixture("foreign.key.pem"), "utf8");
    await expect(buildPfx({ certificate: byo.der, privateKeyPem: foreignKey, passphrase: PASSPHRASE })).rejects.toThrow(
      /does not belong to the certificate/,
    );
  });

  it("refuses something that is not a certificate or not a key", async () => {
    await expect(buildPfx({ certificate: "not a cert", privateKeyPem: byo.privateKeyPem, passphrase: PASSPHRASE })).rejects.toThrow(InputError);
    await expect(buildPfx({ certificate: byo.der, privateKeyPem: "not a key", passphrase: PASSPHRASE })).rejects.toThrow(InputError);
  });
});

describe("writePfxFile", () => {
  it("writes certificate.pfx at 0600 into a new 0700 dir under a permissive umask, leaving no temp file", async () => {
    const generated = await generateCertificate({ commonName: "Pfx Test", keySizeBits: 2048, validityDays: 30, now: new Date() });
    const dir = join(root, "out", "nested");
    const oldUmask = process.umask(0o000);
    let pfxPath: string;
    try {
      ({ pfxPath } = await writePfxFile(dir, generated, PASSPHRASE));
    } finally {
      process.umask(oldUmask);
    }
    expect(pfxPath).toBe(join(dir, PFX_FILE));
    expect((await stat(pfxPath)).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect(await readdir(dir)).toEqual([PFX_FILE]);
    const pfx = await readFile(pfxPath);
    expect(() => createSecureContext({ pfx, passphrase: PASSPHRASE })).not.toThrow();
    expect(() => createSecureContext({ pfx, passphrase: "wrong" })).toThrow();
  });

  it("replaces an existing file, including its loose mode, and never holds the passphrase in clear", async () => {
    const path = join(root, PFX_FILE);
    await writeFile(path, "old", { mode: 0o644 });
    await writePfxFile(root, byo, PASSPHRASE);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const bytes = await readFile(path);
    expect(bytes.toString("latin1")).not.toContain("old");
    expect(bytes.includes(Buffer.from(PASSPHRASE, "utf8"))).toBe(false);
    expect(bytes.includes(Buffer.from(PASSPHRASE, "utf16le"))).toBe(false);
    expect(() => createSecureContext({ pfx: bytes, passphrase: PASSPHRASE })).not.toThrow();
  });

  it("says which directory it could not write to", async () => {
    const blocker = join(root, "file");
    await writeFile(blocker, "x");
    await expect(writePfxFile(join(blocker, "sub"), byo, PASSPHRASE)).rejects.toThrow(
      expect.objectContaining({ name: "InputError", message: expect.stringContaining(join(blocker, "sub", PFX_FILE)) }),
    );
  });
});

// Start-up time is measured: pkijs and asn1js may only be loaded when a PFX is written.
describe("pfx module import cost", () => {
  it("has no static value import of pkijs or asn1js", async () => {
    const dir = new URL("../../src/cert/", import.meta.url);
    const offenders: string[] = [];
    for (const name of (await readdir(dir)).filter((n) => n.endsWith(".ts"))) {
      for (const line of (await readFile(new URL(name, dir), "utf8")).split("\n")) {
        if (/^\s*(import|export)\s(?!type\s)[^;]*["'](pkijs|asn1js)["']/.test(line)) offenders.push(`${name}: ${line}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
