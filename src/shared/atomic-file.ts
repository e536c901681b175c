/**
 * The one way this tool replaces a file: write a temporary file next to it, then rename it over the
 * old one, so a crash or a concurrent run leaves the old or the new content, never half of one.
 * The temporary file has a random name and is created exclusively (O_EXCL, and O_NOFOLLOW where the
 * platform has it): a file or symbolic link planted at a predictable name is never opened, followed
 * or reused. Its mode is set on the open handle before any byte lands, then made exact (the umask
 * only ever removes bits). rename() replaces a link at the final path rather than following it.
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { open, rename, unlink } from "node:fs/promises";
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
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
  const handle = await open(temp, flags, options.mode);
  try {
    try {
      await handle.chmod(options.mode);
      await handle.writeFile(data);
      if (options.sync) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
