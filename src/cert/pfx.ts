import { X509Certificate, createHash, createPrivateKey } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../shared/atomic-file.js";
import { InputError } from "../shared/errors.js";
import { PFX_FILE_NAME } from "./files.js";
import type { GeneratedCertificate } from "./types.js";

/** The PKCS#12 file the tool writes next to the PEM files in its --out directory. */
export const PFX_FILE = PFX_FILE_NAME;

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/**
 * One count for PBKDF2 (both bags) and for the MAC's key derivation: a weaker MAC would only be the
 * cheaper way to test guesses. Ten times OpenSSL 3's export default (2048); more costs real time,
 * since pkijs derives the MAC key in JavaScript (~6 ms per 1,000 iterations on a small machine).
 * Well inside the default limits of .NET's PKCS#12 loader (dotnet/runtime Pkcs12LoaderLimits.cs:
 * 300,000 per derivation, 1,000,000 in total), which PowerShell 7 scripts load PFX files through.
 */
export const PFX_ITERATIONS = 20_000;

// RFC 7292 (PKCS #12 v1.1) object identifiers.
const OID = {
  keyBag: "1.2.840.113549.1.12.10.1.2", // pkcs8ShroudedKeyBag
  certBag: "1.2.840.113549.1.12.10.1.3",
  x509Certificate: "1.2.840.113549.1.9.22.1",
  friendlyName: "1.2.840.113549.1.9.20",
  localKeyId: "1.2.840.113549.1.9.21",
} as const;

export interface PfxInput {
  /** The certificate, DER bytes or PEM (text or bytes). */
  certificate: Uint8Array | string;
  /** Its private key, PEM (PKCS#8; PKCS#1 is converted). Must belong to the certificate. */
  privateKeyPem: string;
  passphrase: string;
  /** The name Windows' certificate store and `Get-PfxData` show; defaults to "entra-onboard <subject CN>". */
  friendlyName?: string;
}

/**
 * A PKCS#12 file (RFC 7292) holding the certificate and its key: the key in a PKCS#8 shrouded key
 * bag and the certificate in an encrypted safe, both PBES2 (RFC 8018) with PBKDF2-HMAC-SHA256 and
 * AES-256-CBC, and the whole protected by an HMAC-SHA256 MAC. Both bags carry the same
 * friendlyName and localKeyId (the certificate's SHA-1, as OpenSSL sets it) so Windows and
 * PowerShell pair the key with its certificate.
 */
export async function buildPfx(input: PfxInput): Promise<Uint8Array> {
  const password = passwordBytes(input.passphrase);
  const certificate = parseCertificate(input.certificate);
  const keyDer = pkcs8Der(input.privateKeyPem);
  if (!certificate.checkPrivateKey(createPrivateKey({ key: Buffer.from(keyDer), format: "der", type: "pkcs8" }))) {
    throw new InputError("The private key does not belong to the certificate; pass the key that was generated with it.");
  }
  // Loaded lazily: pkijs and asn1js are only needed when a PFX is written, and start-up time is measured.
  const [pkijs, asn1js] = await Promise.all([import("pkijs"), import("asn1js")]);
  const crypto = new pkijs.CryptoEngine({ name: "node", crypto: globalThis.crypto });

  const friendlyName = input.friendlyName ?? defaultFriendlyName(certificate);
  const localKeyId = toArrayBuffer(createHash("sha1").update(certificate.raw).digest());
  const attributes = (): InstanceType<typeof pkijs.Attribute>[] => [
    new pkijs.Attribute({ type: OID.friendlyName, values: [new asn1js.BmpString({ value: friendlyName })] }),
    new pkijs.Attribute({ type: OID.localKeyId, values: [new asn1js.OctetString({ valueHex: localKeyId })] }),
  ];
  const pbes2 = {
    password,
    contentEncryptionAlgorithm: { name: "AES-CBC", length: 256 },
    hmacHashAlgorithm: "SHA-256",
    iterationCount: PFX_ITERATIONS,
  };

  const keyBag = new pkijs.PKCS8ShroudedKeyBag({ parsedValue: pkijs.PrivateKeyInfo.fromBER(toArrayBuffer(keyDer)) });
  await keyBag.makeInternalValues({ ...pbes2 }, crypto);
  // The certificate goes in as its original bytes: handing pkijs a parsed Certificate would re-encode it.
  const certBag = new pkijs.CertBag({
    certId: OID.x509Certificate,
    certValue: new asn1js.OctetString({ valueHex: toArrayBuffer(certificate.raw) }),
  });

  const certSafe = new pkijs.SafeContents({ safeBags: [new pkijs.SafeBag({ bagId: OID.certBag, bagValue: certBag, bagAttributes: attributes() })] });
  const keySafe = new pkijs.SafeContents({ safeBags: [new pkijs.SafeBag({ bagId: OID.keyBag, bagValue: keyBag, bagAttributes: attributes() })] });
  // privacyMode 1 = password-encrypted EncryptedData; 0 = plain Data, since the key bag is encrypted itself.
  const authenticatedSafe = new pkijs.AuthenticatedSafe({
    parsedValue: { safeContents: [{ privacyMode: 1, value: certSafe }, { privacyMode: 0, value: keySafe }] },
  });
  // A copy per call: pkijs writes the content to encrypt into the parameters object it is given.
  await authenticatedSafe.makeInternalValues({ safeContents: [{ ...pbes2 }, {}] }, crypto);

  const pfx = new pkijs.PFX({ parsedValue: { integrityMode: 0, authenticatedSafe } });
  // integrityMode 0: password integrity, the MAC key derived per RFC 7292 Appendix B with SHA-256.
  await pfx.makeInternalValues(
    { password, iterations: PFX_ITERATIONS, pbkdf2HashAlgorithm: { name: "SHA-256" }, hmacHashAlgorithm: "SHA-256" },
    crypto,
  );
  return new Uint8Array(pfx.toSchema().toBER(false));
}

/**
 * Writes `certificate.pfx` for a generated certificate into dir, mode 0600, with the one atomic
 * writer the PEM files use (src/shared/atomic-file.ts), so no reader sees half a file.
 */
export async function writePfxFile(dir: string, generated: GeneratedCertificate, passphrase: string): Promise<{ pfxPath: string }> {
  const bytes = await buildPfx({ certificate: generated.der, privateKeyPem: generated.privateKeyPem, passphrase });
  const pfxPath = join(dir, PFX_FILE);
  try {
    await mkdir(dir, { recursive: true, mode: DIR_MODE });
    await writeFileAtomic(pfxPath, bytes, { mode: FILE_MODE });
  } catch (error) {
    throw new InputError(`Cannot write ${pfxPath}: ${reason(error)}; choose a writable --out directory.`, { cause: error });
  }
  return { pfxPath };
}

/** PBKDF2 takes the passphrase's UTF-8 bytes; pkijs turns them into the MAC's BMPString itself. */
function passwordBytes(passphrase: string): ArrayBuffer {
  if (passphrase.trim().length === 0) {
    throw new InputError("The PFX passphrase is empty; a PFX file must be encrypted with a non-empty passphrase.");
  }
  return toArrayBuffer(Buffer.from(passphrase, "utf8"));
}

function parseCertificate(certificate: Uint8Array | string): X509Certificate {
  try {
    return new X509Certificate(typeof certificate === "string" ? Buffer.from(certificate, "utf8") : certificate);
  } catch (error) {
    throw new InputError("Not a valid X.509 certificate; pass the certificate as DER or PEM.", { cause: error });
  }
}

function pkcs8Der(privateKeyPem: string): Uint8Array {
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch (error) {
    throw new InputError("The private key is not an unencrypted PEM private key; pass the PKCS#8 PEM the tool wrote.", { cause: error });
  }
  return new Uint8Array(key.export({ type: "pkcs8", format: "der" }));
}

function defaultFriendlyName(certificate: X509Certificate): string {
  const commonName = /^CN=(.*)$/m.exec(certificate.subject)?.[1]?.trim();
  return `entra-onboard ${commonName || certificate.fingerprint.replaceAll(":", "").slice(0, 8)}`;
}

/** pkijs wants ArrayBuffers. A copy, because a Buffer's .buffer may be a shared pool holding other bytes. */
function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return new Uint8Array(bytes).buffer;
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "ENOSPC") return "no space left on device";
  if (code === "EROFS") return "read-only file system";
  return error instanceof Error ? error.message : String(error);
}
