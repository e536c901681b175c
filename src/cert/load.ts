import { readBoundedFile, READ_CAPS } from "../shared/bounded-read.js";
import { InputError } from "../shared/errors.js";
import { unsafeCharacter } from "../shared/input-text.js";
import { parseCertificateFile, publicKeyOf } from "./inspect.js";
import type { CertificateInfo } from "./types.js";

/**
 * Loads a bring-your-own public certificate and checks it is usable now. Graph would reject an
 * expired certificate's dates anyway ("Add a certificate to an app using Microsoft Graph": the
 * credential's dates must lie within the certificate's); failing here says why in plain words and
 * before anything is written to the tenant.
 */
export async function loadPublicCertificate(path: string, now: Date): Promise<CertificateInfo> {
  // Bounded, and regular files only: `--certificate /dev/zero` must not read forever.
  const read = await readBoundedFile(path, READ_CAPS.certificate);
  if (!read.ok) throw new InputError(`Cannot read certificate file ${path}: ${read.reason}; check the path and its permissions.`);
  const info = parseCertificateFile(read.bytes, path);
  // The subject is printed in messages and plans: a forged line must not ride in on it.
  const unsafe = unsafeCharacter(info.subject);
  if (unsafe) throw new InputError(`Certificate ${path} has a control character (${unsafe}) in its subject; pass another certificate.`);
  assertStrongKey(info, path);
  if (info.notAfter.getTime() <= now.getTime()) {
    throw new InputError(
      `Certificate ${path} (${info.subject}, thumbprint ${info.thumbprint}) expired on ${isoSeconds(info.notAfter)}; pass a current certificate or omit it to let the tool generate one.`,
    );
  }
  if (info.notBefore.getTime() > now.getTime()) {
    throw new InputError(
      `Certificate ${path} (${info.subject}, thumbprint ${info.thumbprint}) is not valid until ${isoSeconds(info.notBefore)}; pass a certificate that is valid now or check the system clock.`,
    );
  }
  return info;
}

/**
 * Only RSA keys of at least 2048 bits. Entra signs nothing with the certificate, but the platform
 * signs its client assertion with the matching key, and that assertion must be RS256/PS256
 * ("Microsoft identity platform application authentication certificate credentials"): an EC key
 * cannot sign in at all. RSA below 2048 bits is no longer acceptable for signatures (NIST SP
 * 800-131A Rev. 2). Uploading either would give the app a credential that fails or is weak.
 */
function assertStrongKey(info: CertificateInfo, path: string): void {
  const key = publicKeyOf(info.der);
  const which = `Certificate ${path} (${info.subject}, thumbprint ${info.thumbprint})`;
  if (key.type !== "rsa") {
    throw new InputError(`${which} has a${key.type === "ec" ? "n EC" : ` ${key.type}`} key; Entra app sign-in needs an RSA key of at least 2048 bits: pass an RSA certificate or omit --certificate to let the tool generate one.`);
  }
  if ((key.bits ?? 0) < 2048) {
    throw new InputError(`${which} has an RSA key of ${key.bits ?? "unknown"} bits; at least 2048 are needed: pass a stronger certificate or omit --certificate to let the tool generate one.`);
  }
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
