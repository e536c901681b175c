/**
 * Where `entra-onboard sandbox` leaves its CA certificate for clients to trust. By default in a
 * private directory it creates (mkdtemp: a fresh, unguessable name, mode 0700) and removes when the
 * sandbox stops: a fixed name in the shared temp directory could be planted, or already belong to
 * another user, and would outlive the sandbox. An explicit --ca-file is replaced atomically (a
 * random temporary file created exclusively, then renamed), never written through a link, and not
 * at all when someone else owns what is there.
 */
import { lstat, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { writeFileAtomic } from "../shared/atomic-file.js";
import { InputError } from "../shared/errors.js";

export interface CaFile {
  path: string;
  /** Removes what the sandbox created (the private directory); an explicit --ca-file is left for the user. */
  remove: () => Promise<void>;
}

export async function writeCaFile(pem: string, explicit: string | undefined): Promise<CaFile> {
  if (explicit !== undefined) {
    const path = resolve(explicit);
    await assertReplaceable(path);
    await writeCa(path, pem);
    return { path, remove: async () => undefined };
  }
  const dir = await mkdtemp(join(tmpdir(), "entra-onboard-sandbox-"));
  const path = join(dir, "ca.pem");
  await writeCa(path, pem);
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}

async function writeCa(path: string, pem: string): Promise<void> {
  try {
    await writeFileAtomic(path, pem, { mode: 0o644 });
  } catch (error) {
    throw new InputError(`Cannot write the sandbox CA file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}; pass --ca-file <path> in a directory of your own.`);
  }
}

/** Nothing there, or a regular file of the user's own; anything else is refused. */
async function assertReplaceable(path: string): Promise<void> {
  let info;
  try {
    info = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw new InputError(`Cannot use --ca-file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
  if (!info.isFile()) throw new InputError(`--ca-file ${path} exists and is not a regular file (a link or directory?); choose another path.`);
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) throw new InputError(`--ca-file ${path} belongs to another user (uid ${info.uid}); choose a path of your own.`);
}
