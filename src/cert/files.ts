import { X509Certificate, createPrivateKey } from "node:crypto";
import { lstat, mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../shared/atomic-file.js";
import { readBoundedFile, READ_CAPS } from "../shared/bounded-read.js";
import { InputError } from "../shared/errors.js";
import { inspectCertificate } from "./inspect.js";
import type { CertificateInfo, GeneratedCertificate } from "./types.js";

/** The files the tool keeps in its --out directory. */
export const CERTIFICATE_FILES = { der: "certificate.cer", pem: "certificate.pem", key: "private-key.pem" } as const;

/** The PKCS#12 copy --pfx writes next to them (pfx.ts; named here so reading it loads no PKCS#12 code). */
export const PFX_FILE_NAME = "certificate.pfx";

const KEY_MODE = 0o600;
const DIR_MODE = 0o700;

/**
 * Writes a generated certificate and its private key. Each file goes to a temp name first and is
 * renamed into place, so a crash never leaves a half-written key next to a good certificate.
 */
export async function writeCertificateFiles(
  dir: string,
  cert: GeneratedCertificate,
): Promise<{ cerPath: string; pemPath: string; keyPath: string }> {
  const cerPath = join(dir, CERTIFICATE_FILES.der);
  const pemPath = join(dir, CERTIFICATE_FILES.pem);
  const keyPath = join(dir, CERTIFICATE_FILES.key);
  try {
    await mkdir(dir, { recursive: true, mode: DIR_MODE });
    // Key first: if we stop half-way, readHeldCertificate sees a key/cert mismatch and ignores both.
    await writeFileAtomic(keyPath, cert.privateKeyPem, { mode: KEY_MODE });
    await writeFileAtomic(cerPath, cert.der, { mode: 0o644 });
    await writeFileAtomic(pemPath, cert.pem, { mode: 0o644 });
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`Cannot write certificate files to ${dir}: ${reason(error)}; choose a writable --out directory.`, {
      cause: error,
    });
  }
  return { cerPath, pemPath, keyPath };
}

/**
 * The certificate generated earlier in dir, if its private key is there too and belongs to it.
 * Anything else (no dir, a file missing, an unparseable or mismatched key) means "none held".
 */
export async function readHeldCertificate(
  dir: string,
): Promise<(CertificateInfo & { cerPath: string; keyPath: string }) | undefined> {
  const cerPath = join(dir, CERTIFICATE_FILES.der);
  const keyPath = join(dir, CERTIFICATE_FILES.key);
  const der = await readIfExists(cerPath);
  const keyPem = await readIfExists(keyPath);
  if (der === undefined || keyPem === undefined) return undefined;
  let info: CertificateInfo;
  try {
    info = inspectCertificate(der);
    if (!new X509Certificate(der).checkPrivateKey(createPrivateKey(keyPem))) return undefined;
  } catch {
    return undefined;
  }
  return { ...info, cerPath, keyPath };
}

/**
 * Deletes the certificate and key files in dir when they hold one of `thumbprints` (the ones
 * connection.json records as entra-onboard's); anything else there is left alone.
 */
export async function removeCertificateFiles(dir: string, thumbprints: readonly string[]): Promise<boolean> {
  const held = await readHeldCertificate(dir);
  if (!held || !thumbprints.some((t) => t.toUpperCase() === held.thumbprint.toUpperCase())) return false;
  await Promise.all([...Object.values(CERTIFICATE_FILES), PFX_FILE_NAME].map((name) => rm(join(dir, name), { force: true })));
  return true;
}

/** certificate.pfx in dir (written by --pfx), when it is there as a regular file. */
export async function existingPfxPath(dir: string): Promise<string | undefined> {
  const path = join(dir, PFX_FILE_NAME);
  const info = await lstat(path).catch(() => undefined);
  return info?.isFile() ? path : undefined;
}

/** The held private key (PKCS#8 PEM) for signing in as the app, or undefined if there is none. */
export async function readPrivateKeyPem(dir: string): Promise<string | undefined> {
  const bytes = await readIfExists(join(dir, CERTIFICATE_FILES.key));
  return bytes?.toString("utf8");
}

/** Missing files (or a missing dir) are normal; other read failures are the user's to fix. */
async function readIfExists(path: string): Promise<Buffer | undefined> {
  // Bounded, regular files only: a pipe or device planted as private-key.pem must not hang the run.
  const read = await readBoundedFile(path, READ_CAPS.certificate);
  if (read.ok) return read.bytes;
  if (read.code === "missing") return undefined;
  throw new InputError(`Cannot read ${path}: ${read.reason}; fix it or choose another --out directory.`);
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "ENOSPC") return "no space left on device";
  if (code === "EROFS") return "read-only file system";
  return error instanceof Error ? error.message : String(error);
}
