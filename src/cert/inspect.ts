import { X509Certificate, createHash } from "node:crypto";
import { InputError } from "../shared/errors.js";
import type { CertificateInfo } from "./types.js";

// node:crypto only: this module is on the CLI start-up path, @peculiar/x509 is not.

const ACCEPTED = "pass an X.509 certificate as DER (.cer/.crt) or PEM (.pem/.crt)";
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const PRIVATE_KEY_HEADER = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

/** Parses one DER certificate; InputError if it is not one. */
export function inspectCertificate(der: Uint8Array): CertificateInfo {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
  } catch (error) {
    throw new InputError(`Not a valid X.509 certificate; ${ACCEPTED}.`, { cause: error });
  }
  const raw = new Uint8Array(x509.raw);
  const notBefore = parseOpenSslDate(x509.validFrom);
  const notAfter = parseOpenSslDate(x509.validTo);
  return {
    der: raw,
    pem: toPem(raw, "CERTIFICATE"),
    thumbprint: hashHex("sha1", raw),
    thumbprintSha256: hashHex("sha256", raw),
    // Node separates RDNs with newlines; one line reads better in logs and plans.
    subject: x509.subject.split("\n").filter(Boolean).join(", "),
    notBefore,
    notAfter,
  };
}

/** The certificate's public key: its type ("rsa", "ec", "ed25519", …) and, for RSA, its size in bits. */
export function publicKeyOf(der: Uint8Array): { type: string; bits: number | undefined } {
  const key = new X509Certificate(der).publicKey;
  return { type: key.asymmetricKeyType ?? "unknown", bits: key.asymmetricKeyDetails?.modulusLength };
}

/**
 * Reads a user-supplied certificate file (DER or PEM). Refuses anything holding a private key:
 * the tool only ever needs the public half, and a key in the wrong place is worth a loud stop.
 */
export function parseCertificateFile(bytes: Uint8Array, fileName: string): CertificateInfo {
  if (/\.(pfx|p12)$/i.test(fileName)) {
    throw new InputError(
      `${fileName} is a PKCS#12 bundle, which holds a private key; export only the public certificate (.cer/.crt/.pem) and pass that.`,
    );
  }
  // A DER certificate is an ASN.1 SEQUENCE (0x30); anything else is read as text.
  if (bytes[0] === 0x30) {
    const info = tryInspect(bytes);
    if (info) return info;
  }
  const text = Buffer.from(bytes).toString("utf8").replace(/^\uFEFF/, "");
  if (PRIVATE_KEY_HEADER.test(text)) {
    throw new InputError(
      `${fileName} holds a private key; pass only the public certificate (.cer/.crt/.pem) and keep the key out of this tool's inputs.`,
    );
  }
  const first = pemBlocks(text).find((block) => block.label === "CERTIFICATE");
  if (first) {
    const info = tryInspect(first.der);
    if (info) return info;
    throw new InputError(`${fileName} has a CERTIFICATE block that does not parse; ${ACCEPTED}.`);
  }
  // Some exports are bare base64 of the DER without PEM armour.
  if (/^[A-Za-z0-9+/=\s]+$/.test(text) && text.trim().length > 0) {
    const info = tryInspect(Buffer.from(text.replace(/\s+/g, ""), "base64"));
    if (info) return info;
  }
  throw new InputError(`${fileName} is not a certificate; ${ACCEPTED}.`);
}

/**
 * The SHA-1 thumbprint of a keyCredential `key` as Graph returns it. Graph stores whatever bytes
 * were uploaded: base64 of the DER (portal, PowerShell) or base64 of the PEM text (Terraform).
 */
export function thumbprintOfKeyCredentialKey(base64Key: string): string | undefined {
  const bytes = Buffer.from(base64Key, "base64");
  if (bytes.length === 0) return undefined;
  const text = bytes.toString("latin1");
  const candidate = text.includes("-----BEGIN") ? pemBlocks(text).find((b) => b.label === "CERTIFICATE")?.der : bytes;
  if (!candidate) return undefined;
  return tryInspect(candidate)?.thumbprint;
}

/** Upper-case hex digest, the form Windows and the Entra portal show. */
export function hashHex(algorithm: "sha1" | "sha256", data: Uint8Array): string {
  return createHash(algorithm).update(data).digest("hex").toUpperCase();
}

/** PEM armour with 64-character lines (RFC 7468). */
export function toPem(der: Uint8Array, label: string): string {
  const body = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

function pemBlocks(text: string): { label: string; der: Buffer }[] {
  return [...text.matchAll(PEM_BLOCK)].map((m) => ({
    label: m[1] ?? "",
    der: Buffer.from((m[2] ?? "").replace(/\s+/g, ""), "base64"),
  }));
}

function tryInspect(der: Uint8Array): CertificateInfo | undefined {
  try {
    return inspectCertificate(der);
  } catch {
    return undefined;
  }
}

/** Node (20) exposes validity only as OpenSSL text, e.g. "Jan  1 00:00:00 2025 GMT". */
function parseOpenSslDate(text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    throw new InputError(`The certificate has an unreadable validity date "${text}"; ${ACCEPTED}.`);
  }
  return date;
}
