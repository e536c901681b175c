import "reflect-metadata";
import * as x509lib from "@peculiar/x509";
import { spawnSync } from "node:child_process";
import { X509Certificate, createHash, createPrivateKey, createPublicKey, createSign, createVerify } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, request } from "node:https";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { generateCertificate, generateTlsCertificate, startKeyPair } from "../../src/cert/generate.js";
import { InputError } from "../../src/shared/errors.js";

const NOW = new Date("2026-01-15T12:00:00Z");
const DAY = 24 * 60 * 60 * 1000;

describe("generateCertificate", () => {
  it("uses a key pair started earlier (startKeyPair), and refuses one of another size", async () => {
    const keyPair = startKeyPair(2048);
    const cert = await generateCertificate({ commonName: "Xops-App", keySizeBits: 2048, validityDays: 365, now: NOW, keyPair });
    const spki = Buffer.from(await globalThis.crypto.subtle.exportKey("spki", (await keyPair).publicKey));
    expect(new X509Certificate(cert.der).publicKey.export({ type: "spki", format: "der" }).equals(spki)).toBe(true);
    expect(new X509Certificate(cert.der).checkPrivateKey(createPrivateKey(cert.privateKeyPem))).toBe(true);
    await expect(generateCertificate({ commonName: "Xops-App", keySizeBits: 3072, validityDays: 365, now: NOW, keyPair: startKeyPair(2048) })).rejects.toThrow(/2048-bit key pair was given for a 3072-bit certificate/);
  });

  it("round-trips through node:crypto: thumbprints, subject, validity, key pair", async () => {
    const cert = await generateCertificate({ commonName: "Xops-App", keySizeBits: 2048, validityDays: 365, now: NOW });
    const x509 = new X509Certificate(cert.der);

    expect(cert.thumbprint).toBe(x509.fingerprint.replaceAll(":", ""));
    expect(cert.thumbprint).toMatch(/^[0-9A-F]{40}$/);
    expect(cert.thumbprintSha256).toBe(x509.fingerprint256.replaceAll(":", ""));
    expect(cert.subject).toBe("CN=Xops-App");
    expect(x509.issuer).toBe("CN=Xops-App");
    expect(new X509Certificate(cert.pem).raw.equals(Buffer.from(cert.der))).toBe(true);

    expect(cert.notBefore.getTime()).toBe(NOW.getTime() - 5 * 60 * 1000);
    // Valid for exactly the days asked, counted from the backdated notBefore (what a lifetime policy measures).
    expect(cert.notAfter.getTime() - cert.notBefore.getTime()).toBe(365 * DAY);

    // Key matches the certificate, and a signature made with it verifies against the cert.
    const key = createPrivateKey(cert.privateKeyPem);
    expect(cert.privateKeyPem).toContain("-----BEGIN PRIVATE KEY-----");
    expect(x509.checkPrivateKey(key)).toBe(true);
    expect(x509.verify(x509.publicKey)).toBe(true); // self-signed
    const signature = createSign("sha256").update("hello").sign(key);
    expect(createVerify("sha256").update("hello").verify(createPublicKey(cert.pem), signature)).toBe(true);
    expect(x509.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);

    // Client-credential profile: EKU clientAuth, not a CA; SHA-256 RSA signature.
    expect(x509.keyUsage).toEqual(["1.3.6.1.5.5.7.3.2"]);
    expect(x509.ca).toBe(false);
    expect(x509.toLegacyObject().serialNumber).toMatch(/^[0-9A-F]+$/);
  });

  it("makes a 3072-bit key, and random serials differ between runs", async () => {
    const a = await generateCertificate({ commonName: "Big", keySizeBits: 3072, validityDays: 30, now: NOW });
    const b = await generateCertificate({ commonName: "Big", keySizeBits: 2048, validityDays: 30, now: NOW });
    const xa = new X509Certificate(a.der);
    expect(xa.publicKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect(xa.checkPrivateKey(createPrivateKey(a.privateKeyPem))).toBe(true);
    expect(xa.serialNumber).not.toBe(new X509Certificate(b.der).serialNumber);
    expect(a.thumbprint).not.toBe(b.thumbprint);
  });

  it("rejects unusable options with InputError", async () => {
    await expect(generateCertificate({ commonName: "", keySizeBits: 2048, validityDays: 30, now: NOW })).rejects.toThrow(InputError);
    await expect(
      generateCertificate({ commonName: "x".repeat(65), keySizeBits: 2048, validityDays: 30, now: NOW }),
    ).rejects.toThrow(InputError);
    await expect(generateCertificate({ commonName: "ok", keySizeBits: 2048, validityDays: 0, now: NOW })).rejects.toThrow(InputError);
  });
});

// The certificates are encoded by src/cert/der.ts: read back here by parsers the project did not write.
describe("generated certificates, read by @peculiar/x509 and OpenSSL", () => {
  x509lib.cryptoProvider.set(globalThis.crypto);
  const hasOpenSsl = spawnSync("openssl", ["version"]).status === 0;

  it("the client profile: v3, sha256WithRSA, not a CA, digitalSignature (critical), clientAuth, key identifier", async () => {
    const cert = await generateCertificate({ commonName: "Contoso, Ltd. (ops)", keySizeBits: 2048, validityDays: 1095, now: NOW });
    const parsed = new x509lib.X509Certificate(cert.der);
    expect(parsed.subject).toBe(String.raw`CN=Contoso\, Ltd. (ops)`);
    expect(parsed.issuer).toBe(parsed.subject);
    expect(parsed.signatureAlgorithm).toMatchObject({ name: "RSASSA-PKCS1-v1_5", hash: { name: "SHA-256" } });
    expect(parsed.notBefore.getTime()).toBe(cert.notBefore.getTime());
    expect(parsed.notAfter.getTime()).toBe(cert.notAfter.getTime());
    expect(await parsed.verify({ signatureOnly: true })).toBe(true);

    const basic = parsed.getExtension(x509lib.BasicConstraintsExtension);
    expect(basic?.ca).toBe(false);
    expect(basic?.critical).toBe(false);
    const usage = parsed.getExtension(x509lib.KeyUsagesExtension);
    expect(usage?.usages).toBe(x509lib.KeyUsageFlags.digitalSignature);
    expect(usage?.critical).toBe(true);
    expect(parsed.getExtension(x509lib.ExtendedKeyUsageExtension)?.usages).toEqual([x509lib.ExtendedKeyUsage.clientAuth]);
    // RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits (an RSA key's PKCS #1 form).
    const keyBits = createPublicKey(cert.pem).export({ type: "pkcs1", format: "der" });
    expect(parsed.getExtension(x509lib.SubjectKeyIdentifierExtension)?.keyId).toBe(createHash("sha1").update(keyBits).digest("hex"));
    expect(parsed.extensions).toHaveLength(4);
  });

  it("a name outside PrintableString is UTF8String, and a date from 2050 is GeneralizedTime", async () => {
    const cert = await generateCertificate({ commonName: "Zürich Überwachung", keySizeBits: 2048, validityDays: 1095, now: new Date("2048-06-01T00:00:00Z") });
    const parsed = new x509lib.X509Certificate(cert.der);
    expect(parsed.subject).toBe("CN=Zürich Überwachung");
    expect(parsed.notAfter.toISOString()).toBe("2051-05-31T23:55:00.000Z");
    expect(new X509Certificate(cert.der).subject).toBe("CN=Zürich Überwachung");
  });

  it("the TLS profile: a CA for itself with the names it serves", async () => {
    const { certPem } = await generateTlsCertificate({ now: NOW, hosts: ["fake.test", "fe80::1:2", "::ffff:10.0.0.1"] });
    const parsed = new x509lib.X509Certificate(certPem);
    expect(parsed.getExtension(x509lib.BasicConstraintsExtension)).toMatchObject({ ca: true, critical: true });
    expect(parsed.getExtension(x509lib.KeyUsagesExtension)?.usages).toBe(
      x509lib.KeyUsageFlags.digitalSignature | x509lib.KeyUsageFlags.keyEncipherment | x509lib.KeyUsageFlags.keyCertSign,
    );
    expect(parsed.getExtension(x509lib.ExtendedKeyUsageExtension)?.usages).toEqual([x509lib.ExtendedKeyUsage.serverAuth]);
    const names = parsed.getExtension(x509lib.SubjectAlternativeNameExtension)?.names.toJSON();
    expect(names).toEqual([
      { type: "ip", value: "127.0.0.1" },
      { type: "ip", value: "::1" },
      { type: "dns", value: "localhost" },
      { type: "dns", value: "fake.test" },
      { type: "ip", value: "fe80::1:2" },
      { type: "ip", value: "::ffff:a00:1" },
    ]);
  });

  it.skipIf(!hasOpenSsl)("OpenSSL verifies both profiles' self-signatures (skipped without the openssl command)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "eo-der-"));
    try {
      const client = join(dir, "client.pem");
      const tls = join(dir, "tls.pem");
      await writeFile(client, (await generateCertificate({ commonName: "Xops-App", keySizeBits: 2048, validityDays: 365, now: new Date() })).pem);
      await writeFile(tls, (await generateTlsCertificate({ now: new Date() })).certPem);
      // The client certificate is no CA: trusted as a partial chain, its signature checked all the same.
      const a = spawnSync("openssl", ["verify", "-check_ss_sig", "-partial_chain", "-trusted", client, client], { encoding: "utf8" });
      expect(a.stdout.trim()).toBe(`${client}: OK`);
      const b = spawnSync("openssl", ["verify", "-CAfile", tls, "-purpose", "sslserver", tls], { encoding: "utf8" });
      expect(b.stdout.trim()).toBe(`${tls}: OK`);
      const text = spawnSync("openssl", ["x509", "-in", client, "-noout", "-text"], { encoding: "utf8" }).stdout;
      expect(text).toContain("Version: 3 (0x2)");
      expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature\n/);
      expect(text).toMatch(/X509v3 Extended Key Usage:\s*\n\s+TLS Web Client Authentication\n/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("generateTlsCertificate", () => {
  it("serves HTTPS on loopback to a client that trusts only this certificate", async () => {
    const { certPem, keyPem } = await generateTlsCertificate({ now: new Date(), hosts: ["fake.test"] });
    const x509 = new X509Certificate(certPem);
    expect(x509.subjectAltName).toContain("IP Address:127.0.0.1");
    expect(x509.subjectAltName).toContain("DNS:localhost");
    expect(x509.subjectAltName).toContain("DNS:fake.test");
    expect(x509.checkIP("::1")).toBe("::1");
    expect(x509.ca).toBe(true);

    const server = createServer({ cert: certPem, key: keyPem }, (_req, res) => res.end("ok"));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    try {
      const { port } = server.address() as AddressInfo;
      const body = await new Promise<string>((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port, path: "/", ca: certPem }, (res) => {
          let text = "";
          res.on("data", (chunk: Buffer) => (text += chunk.toString()));
          res.on("end", () => resolve(text));
        });
        req.on("error", reject);
        req.end();
      });
      expect(body).toBe("ok");
    } finally {
      server.close();
    }
  });
});
