/**
 * What the tool keeps on the admin's machine in --out: the generated certificate and key, and
 * connection.json (the details to paste into the platform, and the record of which app in which
 * tenant this --out belongs to and what entra-onboard added to it: record.ts).
 */
import { constants } from "node:fs";
import { access, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { InputError } from "../shared/errors.js";

export const CONNECTION_FILE = "connection.json";

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
 * Writes connection.json atomically, and only when its content changed (a no-op run touches nothing).
 * Its shape and reading are in record.ts.
 */
export async function writeConnectionFile(outDir: string, connection: object): Promise<string> {
  const path = join(outDir, CONNECTION_FILE);
  const text = `${JSON.stringify(connection, null, 2)}\n`;
  const current = await readFile(path, "utf8").catch(() => undefined);
  if (current === text) return path;
  try {
    await mkdir(outDir, { recursive: true, mode: 0o700 });
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, text, { mode: 0o644 });
    await rename(temp, path);
  } catch (error) {
    throw new InputError(`Cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}; choose a writable --out directory.`);
  }
  return path;
}

export async function removeConnectionFile(outDir: string): Promise<void> {
  await rm(join(outDir, CONNECTION_FILE), { force: true });
}
