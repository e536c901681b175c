import { X509Certificate, createPrivateKey, randomUUID } from "node:crypto";
import { chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "../shared/errors.js";
import { inspectCertificate } from "./inspect.js";
import type { CertificateInfo, GeneratedCertificate } from "./types.js";

/** The files the tool keeps in its --out directory. */
export const CERTIFICATE_FILES = { der: "certificate.cer", pem: "certificate.pem", key: "private-key.pem" } as const;

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
    await writeAtomic(keyPath, cert.privateKeyPem, KEY_MODE);
    await writeAtomic(cerPath, cert.der, 0o644);
    await writeAtomic(pemPath, cert.pem, 0o644);
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
  await Promise.all(Object.values(CERTIFICATE_FILES).map((name) => rm(join(dir, name), { force: true })));
  return true;
}

/** The held private key (PKCS#8 PEM) for signing in as the app, or undefined if there is none. */
export async function readPrivateKeyPem(dir: string): Promise<string | undefined> {
  const bytes = await readIfExists(join(dir, CERTIFICATE_FILES.key));
  return bytes?.toString("utf8");
}

async function writeAtomic(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  const temp = `${path}.${randomUUID()}.tmp`;
  try {
    // "wx": never follow or reuse an existing file; mode applies at creation, before any byte lands.
    await writeFile(temp, data, { mode, flag: "wx" });
    // The creation mode is filtered by the umask; chmod makes the result exact.
    await chmod(temp, mode);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Missing files (or a missing dir) are normal; other read failures are the user's to fix. */
async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new InputError(`Cannot read ${path}: ${reason(error)}; fix its permissions or choose another --out directory.`, {
      cause: error,
    });
  }
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "ENOSPC") return "no space left on device";
  if (code === "EROFS") return "read-only file system";
  return error instanceof Error ? error.message : String(error);
}
