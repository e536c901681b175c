import { X509Certificate, createPrivateKey, createPublicKey, createSign, createVerify } from "node:crypto";
import { once } from "node:events";
import { createServer, request } from "node:https";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { generateCertificate, generateTlsCertificate } from "../../src/cert/generate.js";
import { InputError } from "../../src/shared/errors.js";

const NOW = new Date("2026-01-15T12:00:00Z");
const DAY = 24 * 60 * 60 * 1000;

describe("generateCertificate", () => {
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
