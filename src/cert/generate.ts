import { createHash, KeyObject, randomBytes, sign } from "node:crypto";
import type { webcrypto } from "node:crypto";
import { isIP } from "node:net";
import { InputError, InternalError } from "../shared/errors.js";
import { MAX_COMMON_NAME } from "../shared/input-text.js";
import * as der from "./der.js";
import { inspectCertificate } from "./inspect.js";
import type { GeneratedCertificate } from "./types.js";

// The certificate is encoded here (der.ts) and signed by node:crypto: a self-signed certificate
// needs a handful of fixed structures, and an X.509 library (@peculiar/x509 with its ASN.1 schema
// and Reflect polyfill, ~700 KB of JavaScript) cost a first onboarding ~250 ms of loading on the
// main thread, while its Graph responses waited (`npm run bench`).

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
  /** A key pair already being made (startKeyPair) of keySizeBits; default: one made here. */
  keyPair?: Promise<webcrypto.CryptoKeyPair> | undefined;
}

/**
 * Starts making an RSA key pair for a certificate on libuv's thread pool (100-700 ms for
 * RSA-2048), so a caller can start it early and overlap it with its round trips.
 */
export function startKeyPair(keySizeBits: KeySizeBits): Promise<webcrypto.CryptoKeyPair> {
  const algorithm: webcrypto.RsaHashedKeyGenParams = {
    name: "RSASSA-PKCS1-v1_5",
    modulusLength: keySizeBits,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: "SHA-256",
  };
  const keyPair = (globalThis.crypto as webcrypto.Crypto).subtle.generateKey(algorithm, true, ["sign", "verify"]) as Promise<webcrypto.CryptoKeyPair>;
  // Awaited by whoever uses it; this only stops an unused key's failure from going unhandled.
  keyPair.catch(() => undefined);
  return keyPair;
}

/** A self-signed certificate for the app's keyCredential; the private key never leaves the caller. */
export async function generateCertificate(options: {
  commonName: string;
  keySizeBits: KeySizeBits;
  validityDays: number;
  now: Date;
  /** A key pair of keySizeBits started earlier (startKeyPair). */
  keyPair?: Promise<webcrypto.CryptoKeyPair> | undefined;
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
    keyPair: options.keyPair,
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
  const keys = await (options.keyPair ?? startKeyPair(options.keySizeBits));
  const publicKey = KeyObject.from(keys.publicKey);
  const privateKey = KeyObject.from(keys.privateKey);
  const modulusLength = publicKey.asymmetricKeyDetails?.modulusLength;
  if (modulusLength !== options.keySizeBits) throw new InternalError(`a ${modulusLength}-bit key pair was given for a ${options.keySizeBits}-bit certificate`);

  const tbs = der.sequence(
    der.explicit(0, der.smallInteger(2)), // v3
    der.unsignedInteger(randomSerial()),
    SHA256_WITH_RSA,
    name(commonName), // issuer: self-signed
    der.sequence(der.time(options.notBefore), der.time(options.notAfter)),
    name(commonName),
    publicKey.export({ type: "spki", format: "der" }),
    der.explicit(3, der.sequence(...extensions(options, publicKey))),
  );
  const signature = sign("sha256", tbs, privateKey); // RSASSA-PKCS1-v1_5, RFC 8017 §8.2
  const info = inspectCertificate(der.sequence(tbs, SHA256_WITH_RSA, der.bitString(signature)));
  const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  return { ...info, privateKeyPem };
}

/** sha256WithRSAEncryption with its NULL parameters (RFC 4055 §5). */
const SHA256_WITH_RSA = der.sequence(der.oid("1.2.840.113549.1.1.11"), der.nullValue());

/** PrintableString when the name allows it, else UTF8String (RFC 5280 §4.1.2.4, X.520's DirectoryString). */
function name(commonName: string): Buffer {
  const value = /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(commonName) ? der.tlv(0x13, Buffer.from(commonName, "ascii")) : der.utf8String(commonName);
  return der.sequence(der.set(der.sequence(der.oid("2.5.4.3"), value)));
}

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } (RFC 5280 §4.1). */
function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return der.sequence(der.oid(id), ...(critical ? [der.boolean(true)] : []), der.octetString(value));
}

/**
 * The client profile (the app's credential): not a CA, digitalSignature, EKU clientAuth. The "tls"
 * profile (a loopback server that is its own CA): CA, digitalSignature + keyEncipherment +
 * keyCertSign, EKU serverAuth, and the names it serves. Both carry a subject key identifier, the
 * SHA-1 of the public key's bits (RFC 5280 §4.2.1.2, method 1).
 */
function extensions(options: SelfSignedOptions, publicKey: KeyObject): Buffer[] {
  // An RSA key's subjectPublicKey bits are its PKCS #1 RSAPublicKey (RFC 8017 §A.1.1).
  const keyBits = publicKey.export({ type: "pkcs1", format: "der" });
  const tls = options.profile === "tls";
  const out = [
    extension("2.5.29.19", tls, tls ? der.sequence(der.boolean(true)) : der.sequence()), // basicConstraints (RFC 5280 §4.2.1.9)
    extension("2.5.29.15", true, der.namedBits(tls ? [0, 2, 5] : [0])), // keyUsage (§4.2.1.3)
    extension("2.5.29.37", false, der.sequence(der.oid(tls ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2"))), // extKeyUsage (§4.2.1.12)
    extension("2.5.29.14", false, der.octetString(createHash("sha1").update(keyBits).digest())), // subjectKeyIdentifier
  ];
  if (tls) out.push(extension("2.5.29.17", false, der.sequence(...sanEntries(options.hosts ?? [])))); // subjectAltName (§4.2.1.6)
  return out;
}

/** 16 random bytes, high bit clear so the INTEGER stays positive (RFC 5280 §4.1.2.2). */
function randomSerial(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes;
}

/** GeneralNames: iPAddress [7] (4 or 16 bytes) or dNSName [2] (IA5String), RFC 5280 §4.2.1.6. */
function sanEntries(hosts: string[]): Buffer[] {
  const all = ["127.0.0.1", "::1", "localhost", ...hosts];
  const unique = [...new Set(all.map((h) => h.trim()).filter(Boolean))];
  return unique.map((value) => (isIP(value) ? der.implicitPrimitive(7, ipBytes(value)) : der.implicitPrimitive(2, Buffer.from(value, "ascii"))));
}

/** The address's bytes in network order; `value` is a valid address (net.isIP). */
function ipBytes(value: string): Buffer {
  if (isIP(value) === 4) return Buffer.from(value.split(".").map(Number));
  // IPv6: an embedded dotted IPv4 tail becomes two groups, then "::" is filled with zero groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(value)?.[1];
  const text = dotted ? value.slice(0, -dotted.length) + ipBytes(dotted).toString("hex").replace(/(.{4})(.{4})/, "$1:$2") : value;
  const [head = "", tail] = text.split("::");
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const known = [...groups(head), ...(tail === undefined ? [] : groups(tail))].length;
  const all = tail === undefined ? groups(head) : [...groups(head), ...Array<string>(8 - known).fill("0"), ...groups(tail)];
  return Buffer.from(all.map((g) => g.padStart(4, "0")).join(""), "hex");
}
