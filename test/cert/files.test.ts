import { X509Certificate, createPrivateKey } from "node:crypto";
import { copyFile, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CERTIFICATE_FILES, readHeldCertificate, readPrivateKeyPem, writeCertificateFiles } from "../../src/cert/files.js";
import { generateCertificate } from "../../src/cert/generate.js";
import type { GeneratedCertificate } from "../../src/cert/types.js";
import { fixture } from "./helpers.js";

let cert: GeneratedCertificate;
let root: string;

beforeAll(async () => {
  cert = await generateCertificate({ commonName: "Files Test", keySizeBits: 2048, validityDays: 365, now: new Date() });
});
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "cert-files-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("writeCertificateFiles", () => {
  it("writes DER, PEM and a 0600 key into a new nested dir, leaving no temp files", async () => {
    const dir = join(root, "a", "b");
    const oldUmask = process.umask(0o000); // the key must be 0600 even under a permissive umask
    let paths: Awaited<ReturnType<typeof writeCertificateFiles>>;
    try {
      paths = await writeCertificateFiles(dir, cert);
    } finally {
      process.umask(oldUmask);
    }
    expect(paths.keyPath).toBe(join(dir, CERTIFICATE_FILES.key));
    expect((await stat(paths.keyPath)).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);

    const der = await readFile(paths.cerPath);
    const x509 = new X509Certificate(der);
    expect(x509.fingerprint.replaceAll(":", "")).toBe(cert.thumbprint);
    expect(new X509Certificate(await readFile(paths.pemPath)).raw.equals(der)).toBe(true);
    expect(x509.checkPrivateKey(createPrivateKey(await readFile(paths.keyPath, "utf8")))).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(Object.values(CERTIFICATE_FILES).sort());
  });

  it("replaces existing files and keeps the key at 0600", async () => {
    await writeFile(join(root, CERTIFICATE_FILES.key), "old", { mode: 0o644 });
    await writeCertificateFiles(root, cert);
    expect((await stat(join(root, CERTIFICATE_FILES.key))).mode & 0o777).toBe(0o600);
    expect(await readPrivateKeyPem(root)).toBe(cert.privateKeyPem);
  });
});

describe("readHeldCertificate", () => {
  it("finds the certificate written earlier", async () => {
    const paths = await writeCertificateFiles(root, cert);
    const held = await readHeldCertificate(root);
    expect(held?.thumbprint).toBe(cert.thumbprint);
    expect(held?.cerPath).toBe(paths.cerPath);
    expect(held?.keyPath).toBe(paths.keyPath);
    expect(held).not.toHaveProperty("privateKeyPem");
  });

  it("returns undefined for a missing dir or an empty one", async () => {
    expect(await readHeldCertificate(join(root, "nope"))).toBeUndefined();
    expect(await readHeldCertificate(root)).toBeUndefined();
    expect(await readPrivateKeyPem(join(root, "nope"))).toBeUndefined();
  });

  it("returns undefined when the key is missing", async () => {
    const paths = await writeCertificateFiles(root, cert);
    await rm(paths.keyPath);
    expect(await readHeldCertificate(root)).toBeUndefined();
  });

  it("returns undefined when the certificate is missing", async () => {
    const paths = await writeCertificateFiles(root, cert);
    await rm(paths.cerPath);
    expect(await readHeldCertificate(root)).toBeUndefined();
  });

  it("returns undefined when the key belongs to another certificate", async () => {
    const paths = await writeCertificateFiles(root, cert);
    await copyFile(fixture("foreign.key.pem"), paths.keyPath);
    expect(await readHeldCertificate(root)).toBeUndefined();
  });

  it("returns undefined when a file is corrupt", async () => {
    const paths = await writeCertificateFiles(root, cert);
    await writeFile(paths.keyPath, "not a key");
    expect(await readHeldCertificate(root)).toBeUndefined();
  });

  it("accepts the committed BYO fixture pair (cert + its key)", async () => {
    await copyFile(fixture("byo.cer"), join(root, CERTIFICATE_FILES.der));
    await copyFile(fixture("byo.key.pem"), join(root, CERTIFICATE_FILES.key));
    expect((await readHeldCertificate(root))?.subject).toBe("CN=BYO Test");
  });
});
