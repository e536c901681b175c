/**
 * The one way this tool writes a file: write a temporary file next to it, then rename it over the
 * old one, so a crash or a concurrent run leaves the old or the new content, never half of one (or,
 * for a lock, link it into place only if nothing is there: createFileExclusive).
 * The temporary file has a random name and is created exclusively (O_EXCL, and O_NOFOLLOW where the
 * platform has it): a file or symbolic link planted at a predictable name is never opened, followed
 * or reused. Its mode is set on the open handle before any byte lands, then made exact (the umask
 * only ever removes bits). rename() replaces a link at the final path rather than following it.
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { link, open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export interface AtomicWriteOptions {
  mode: number;
  /** fsync before the rename: for files whose loss after a power cut would hurt (the token cache). */
  sync?: boolean;
}

/** `.connection.json.<16 hex>.tmp` next to `connection.json`: hidden, and unguessable. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(8).toString("hex")}.tmp`);
}

export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions): Promise<void> {
  const temp = tempPathFor(path);
  await createNew(temp, data, options);
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/**
 * Creates `path` holding `data` only if nothing is there yet (a lock file): the content goes to an
 * exclusive temporary file as above, which is then hard-linked to `path`. link() fails with EEXIST
 * on any existing entry, a symbolic link included (it never follows one), and the file appears
 * whole or not at all, so a reader never sees it half-written. On a file system without hard links
 * the file is created in place, still exclusively and without following a link.
 */
export async function createFileExclusive(path: string, data: string | Uint8Array, options: AtomicWriteOptions): Promise<void> {
  const temp = tempPathFor(path);
  await createNew(temp, data, options);
  try {
    await link(temp, path);
  } catch (error) {
    if (!NO_HARD_LINKS.has((error as NodeJS.ErrnoException).code ?? "")) throw error;
    await createNew(path, data, options);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

const NO_HARD_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EXDEV"]);

/**
 * A new file at `path`, created exclusively (never an existing file or link) with exactly `mode`
 * set on the handle before any byte lands. A failed write removes it; a failed open touches nothing.
 */
async function createNew(path: string, data: string | Uint8Array, options: AtomicWriteOptions): Promise<void> {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
  const handle = await open(path, flags, options.mode);
  try {
    try {
      await handle.chmod(options.mode);
      await handle.writeFile(data);
      if (options.sync) await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await unlink(path).catch(() => undefined);
    throw error;
  }
}
