/**
 * The files of certificates that are still on the app but no longer the connection's current one
 * (renewed or rotated): kept in --out/previous/<THUMBPRINT>/ until the certificate is retired, so a
 * consumer of the old key keeps working meanwhile, and the current certificate always has the file
 * names verify and existing scripts know (certificate.cer, certificate.pem, private-key.pem,
 * certificate.pfx). Moves are renames inside --out: atomic per file, nothing copied.
 */
import { lstat, mkdir, rename, rm, rmdir } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "../shared/errors.js";
import { CERTIFICATE_FILES, PFX_FILE_NAME } from "./files.js";

export const PREVIOUS_DIR = "previous";

/** The key file last, so a move cut short never leaves a key next to another certificate. */
const NAMES = [CERTIFICATE_FILES.key, CERTIFICATE_FILES.der, CERTIFICATE_FILES.pem, PFX_FILE_NAME];

export function archiveDirFor(outDir: string, thumbprint: string): string {
  return join(outDir, PREVIOUS_DIR, thumbprint.toUpperCase());
}

/** previous/ as a real directory of ours (never a link planted in its place). */
async function previousDir(outDir: string): Promise<string> {
  const dir = join(outDir, PREVIOUS_DIR);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await lstat(dir);
  if (!info.isDirectory()) throw new InputError(`${dir} is not a directory; move it away so entra-onboard can keep earlier keys there.`);
  return dir;
}

async function moveAll(from: string, to: string): Promise<void> {
  for (const name of NAMES) {
    await rename(join(from, name), join(to, name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
  }
}

/** Moves the current certificate's files (its thumbprint given) into previous/<thumbprint>/; returns that directory. */
export async function archiveCurrentFiles(outDir: string, thumbprint: string): Promise<string> {
  await previousDir(outDir);
  const target = archiveDirFor(outDir, thumbprint);
  await mkdir(target, { recursive: true, mode: 0o700 });
  await moveAll(outDir, target);
  return target;
}

/** Moves archived files back to the current names (the certificate that was to succeed them was refused). */
export async function restoreArchivedFiles(outDir: string, thumbprint: string): Promise<void> {
  const source = archiveDirFor(outDir, thumbprint);
  await moveAll(source, outDir);
  await rm(source, { recursive: true, force: true });
}

/** Deletes the archived files of certificates that are retired (no longer on the app). */
export async function removeArchivedFiles(outDir: string, thumbprints: readonly string[]): Promise<void> {
  await Promise.all(thumbprints.map((t) => rm(archiveDirFor(outDir, t), { recursive: true, force: true })));
  // previous/ itself goes once empty; anything else in it (not entra-onboard's) is left alone.
  await rmdir(join(outDir, PREVIOUS_DIR)).catch(() => undefined);
}
