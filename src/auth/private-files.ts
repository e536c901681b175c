/**
 * Files only the signed-in OS user may read: a 0700 directory, 0600 files, and writes that are atomic
 * (a temporary file created exclusively, then renamed over the old one), so a crash or a concurrent run
 * leaves either the old or the new content, and the file is never readable by others, not even briefly.
 * On Windows, modes are ignored and the per-user profile directory's ACL does this job.
 */
import { chmod, lstat, mkdir, readdir, readFile, unlink } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../shared/atomic-file.js";
import { InputError } from "../shared/errors.js";

const PRIVATE_DIR_MODE = 0o700;
const PRIVATE_FILE_MODE = 0o600;
const posix = process.platform !== "win32";

/** Creates the directory (and missing parents) as 0700, or checks that an existing one is ours and private. */
export async function ensurePrivateDirectory(directory: string): Promise<void> {
  await mkdir(directory, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (!posix) return;
  const info = await lstat(directory);
  if (!info.isDirectory()) throw new InputError(`The token cache directory ${directory} is not a directory (a symbolic link?): point ENTRA_ONBOARD_CACHE_DIR at a private directory, or pass --no-token-cache.`);
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) {
    throw new InputError(`The token cache directory ${directory} belongs to another user: point ENTRA_ONBOARD_CACHE_DIR at a directory of your own, or pass --no-token-cache.`);
  }
  // An existing directory that others can list or write to (say, a shared one named in the override):
  // make it private, since rename-based writes trust the directory.
  if ((info.mode & 0o077) !== 0) await chmod(directory, PRIVATE_DIR_MODE);
}

/** The file's text, or undefined when it does not exist. */
export async function readPrivateFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

export async function writePrivateFile(path: string, text: string): Promise<void> {
  // Exclusive random temp file, mode 0600 from creation, fsync, rename (src/shared/atomic-file.ts).
  await writeFileAtomic(path, text, { mode: PRIVATE_FILE_MODE, sync: true });
}

/** True when a file was removed. */
export async function removeFile(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

/** Temporary files an interrupted write left behind for `name` in `directory`. */
export async function leftoverTempFiles(directory: string, name: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return entries.filter((e) => e.startsWith(`.${name}.`) && e.endsWith(".tmp")).map((e) => join(directory, e));
}
