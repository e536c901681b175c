import { readFile } from "node:fs/promises";
import { InputError } from "../shared/errors.js";
import { parseCertificateFile } from "./inspect.js";
import type { CertificateInfo } from "./types.js";

/**
 * Loads a bring-your-own public certificate and checks it is usable now. Graph would reject an
 * expired certificate's dates anyway ("Add a certificate to an app using Microsoft Graph": the
 * credential's dates must lie within the certificate's); failing here says why in plain words and
 * before anything is written to the tenant.
 */
export async function loadPublicCertificate(path: string, now: Date): Promise<CertificateInfo> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new InputError(`Cannot read certificate file ${path}: ${osReason(error)}; check the path and its permissions.`, {
      cause: error,
    });
  }
  const info = parseCertificateFile(bytes, path);
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

function osReason(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return "no such file";
    if (code === "EACCES" || code === "EPERM") return "permission denied";
    if (code === "EISDIR") return "it is a directory";
    return code ? `${code} (${error.message})` : error.message;
  }
  return String(error);
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
