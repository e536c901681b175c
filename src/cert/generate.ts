import { KeyObject, randomBytes } from "node:crypto";
import type { webcrypto } from "node:crypto";
// Type-only: erased at runtime, so it does not load the library on import.
import type { Extension } from "@peculiar/x509";
import { isIP } from "node:net";
import { InputError } from "../shared/errors.js";
import { MAX_COMMON_NAME } from "../shared/input-text.js";
import { inspectCertificate } from "./inspect.js";
import type { GeneratedCertificate } from "./types.js";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Backdating absorbs clock skew between this machine and Entra / the TLS peer. */
const SKEW_MS = 5 * 60 * 1000;

export type KeySizeBits = 2048 | 3072 | 4096;

/** Lower-level creation with explicit dates; used by generateCertificate and the fixture script. */
export interface SelfSignedOptions {
  commonName: string;
  keySizeBits: KeySizeBits;
  notBefore: Date;
  notAfter: Date;
  /** "client" = app credential (EKU clientAuth); "tls" = loopback server cert that is also its own CA. */
  profile?: "client" | "tls";
  /** Extra SAN entries for the "tls" profile (IPs or DNS names). */
  hosts?: string[];
}

/** A self-signed certificate for the app's keyCredential; the private key never leaves the caller. */
export async function generateCertificate(options: {
  commonName: string;
  keySizeBits: KeySizeBits;
  validityDays: number;
  now: Date;
}): Promise<GeneratedCertificate> {
  if (!Number.isFinite(options.validityDays) || options.validityDays <= 0) {
    throw new InputError(`Certificate validity must be a positive number of days, got ${options.validityDays}; pass e.g. 365.`);
  }
  // Valid for exactly validityDays from notBefore: the credential carries these dates, and a tenant
  // policy capping lifetimes at, say, 365 days measures notAfter − notBefore, backdating included.
  const notBefore = Math.floor((options.now.getTime() - SKEW_MS) / 1000) * 1000;
  return createSelfSignedCertificate({
    commonName: options.commonName,
    keySizeBits: options.keySizeBits,
    notBefore: new Date(notBefore),
    notAfter: new Date(notBefore + options.validityDays * DAY_MS),
  });
}

/** A certificate for a loopback HTTPS server (fake authority); clients pass certPem as `ca`. */
export async function generateTlsCertificate(options: { now: Date; hosts?: string[] }): Promise<{ certPem: string; keyPem: string }> {
  const now = options.now.getTime();
  const cert = await createSelfSignedCertificate({
    commonName: "localhost",
    keySizeBits: 2048,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 30 * DAY_MS),
    profile: "tls",
    hosts: options.hosts ?? [],
  });
  return { certPem: cert.pem, keyPem: cert.privateKeyPem };
}

export async function createSelfSignedCertificate(options: SelfSignedOptions): Promise<GeneratedCertificate> {
  const commonName = options.commonName.trim();
  if (commonName.length === 0 || commonName.length > MAX_COMMON_NAME) {
    throw new InputError(`Certificate common name must be 1-${MAX_COMMON_NAME} characters, got "${options.commonName}"; pass a shorter name.`);
  }
  if (![2048, 3072, 4096].includes(options.keySizeBits)) {
    throw new InputError(`RSA key size must be 2048, 3072 or 4096 bits, got ${options.keySizeBits}.`);
  }
  if (options.notAfter.getTime() <= options.notBefore.getTime()) {
    throw new InputError("Certificate notAfter must be later than notBefore.");
  }
  // Loaded lazily: @peculiar/x509 and its Reflect polyfill cost ~75 ms, and most runs never generate.
  await import("reflect-metadata");
  const x509 = await import("@peculiar/x509");
  const crypto = globalThis.crypto as webcrypto.Crypto;
  x509.cryptoProvider.set(crypto);

  const algorithm: webcrypto.RsaHashedKeyGenParams = {
    name: "RSASSA-PKCS1-v1_5",
    modulusLength: options.keySizeBits,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: "SHA-256",
  };
  const keys = (await crypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;

  const tls = options.profile === "tls";
  const extensions: Extension[] = [
    tls
      ? new x509.BasicConstraintsExtension(true, undefined, true)
      : new x509.BasicConstraintsExtension(false, undefined, false),
    new x509.KeyUsagesExtension(
      tls
        ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.keyCertSign
        : x509.KeyUsageFlags.digitalSignature,
      true,
    ),
    new x509.ExtendedKeyUsageExtension([tls ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth], false),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
  ];
  if (tls) extensions.push(new x509.SubjectAlternativeNameExtension(sanEntries(options.hosts ?? []), false));

  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerial(),
      // The JSON form avoids DN-string parsing, so commas or "=" in the name need no escaping.
      name: [{ CN: [commonName] }],
      notBefore: options.notBefore,
      notAfter: options.notAfter,
      signingAlgorithm: { name: "RSASSA-PKCS1-v1_5" },
      keys,
      extensions,
    },
    crypto,
  );
  const info = inspectCertificate(new Uint8Array(certificate.rawData));
  const privateKeyPem = KeyObject.from(keys.privateKey).export({ type: "pkcs8", format: "pem" }).toString();
  return { ...info, privateKeyPem };
}

/** 16 random bytes, high bit clear so the INTEGER stays positive (RFC 5280 §4.1.2.2). */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString("hex");
}

function sanEntries(hosts: string[]): { type: "ip" | "dns"; value: string }[] {
  const all = ["127.0.0.1", "::1", "localhost", ...hosts];
  const unique = [...new Set(all.map((h) => h.trim()).filter(Boolean))];
  return unique.map((value) => ({ type: isIP(value) ? "ip" : "dns", value }));
}
