/**
 * What the tool keeps on the admin's machine in --out: the generated certificate and key, and
 * connection.json (the details to paste into the platform, and the record of which app in which
 * tenant this --out belongs to and what entra-onboard added to it: record.ts).
 */
import { constants } from "node:fs";
import { access, mkdir, rm, stat } from "node:fs/promises";
import type { Stats } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { writeFileAtomic } from "../shared/atomic-file.js";
import { readBoundedFile, READ_CAPS } from "../shared/bounded-read.js";
import { InputError } from "../shared/errors.js";
import { CONNECTION_FILE, type ConnectionRecord } from "./record.js";

export function defaultOutDir(tenantId: string, cwd = process.cwd()): string {
  return resolve(cwd, "entra-onboard-out", tenantId);
}

/** Fails with an input error if `dir` (or, when absent, its nearest existing parent) is not writable. Creates nothing. */
export async function assertWritableDir(dir: string): Promise<void> {
  let probe = resolve(dir);
  for (;;) {
    try {
      const info = await stat(probe);
      if (!info.isDirectory()) throw new InputError(`--out ${dir} is not a directory (${probe} is a file); choose a directory.`);
      if (probe === resolve(dir)) assertPrivateDir(dir, info);
      await access(probe, constants.W_OK | constants.X_OK);
      return;
    } catch (error) {
      if (error instanceof InputError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" && dirname(probe) !== probe) {
        probe = dirname(probe);
        continue;
      }
      throw new InputError(`--out ${dir} is not writable (${code ?? "error"} on ${probe}); choose a directory you can write to.`);
    }
  }
}

/**
 * The key and connection.json are only as safe as the directory they live in: someone who can
 * write to it can swap the files between runs (a planted certificate is uploaded, a planted
 * connection.json names the app). So an existing --out must be the user's own and closed to
 * group and others. (On Windows there is no uid or mode bits; the profile directory's ACL applies.)
 */
function assertPrivateDir(dir: string, info: Stats): void {
  const uid = process.getuid?.();
  if (uid === undefined) return;
  if (info.uid !== uid) throw new InputError(`--out ${dir} belongs to another user (uid ${info.uid}); choose a directory of your own.`);
  if ((info.mode & 0o022) !== 0) {
    throw new InputError(`--out ${dir} is writable by group or others (mode ${(info.mode & 0o777).toString(8)}); run 'chmod go-w ${dir}' or choose a private directory.`);
  }
}

/**
 * Writes connection.json atomically, and only when its content changed (a no-op run touches nothing).
 * Its shape and reading are in record.ts.
 */
export async function writeConnectionFile(outDir: string, connection: ConnectionRecord): Promise<string> {
  const path = join(outDir, CONNECTION_FILE);
  const text = `${JSON.stringify(connection, null, 2)}\n`;
  const current = await readBoundedFile(path, READ_CAPS.connectionFile);
  if (current.ok && current.bytes.toString("utf8") === text) return path;
  try {
    await mkdir(outDir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(path, text, { mode: 0o644 });
  } catch (error) {
    throw new InputError(`Cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}; choose a writable --out directory.`);
  }
  return path;
}

export async function removeConnectionFile(outDir: string): Promise<void> {
  await rm(join(outDir, CONNECTION_FILE), { force: true });
}
