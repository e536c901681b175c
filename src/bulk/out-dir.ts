/**
 * The fleet's --out. Its root holds bulk-report.json and connections.csv; each tenant gets
 * `<out>/<tenant id>/`, which is exactly a single run's --out (key, connection.json, lock) and is
 * checked as one by the pipeline. The root is checked the same way before anyone signs in: the
 * user's own, not writable by group or others (whoever can write it can swap a tenant's directory),
 * created 0700 when missing. And it must not itself be one tenant's --out: connection.json binds a
 * directory to one app in one tenant (core/record.ts), and a fleet's root is bound to none.
 */
import { lstat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { assertWritableDir } from "../core/local-state.js";
import { CONNECTION_FILE } from "../core/record.js";
import { InputError } from "../shared/errors.js";

export async function checkFleetOutDir(outDir: string): Promise<void> {
  await assertWritableDir(outDir);
  const record = join(resolve(outDir), CONNECTION_FILE);
  const found = await lstat(record).then(
    () => true,
    (error: NodeJS.ErrnoException) => error.code !== "ENOENT" && error.code !== "ENOTDIR",
  );
  if (found) {
    throw new InputError(
      `--out ${outDir} holds ${CONNECTION_FILE}: it is one tenant's directory (a single run's --out). Give bulk a directory of its own; each tenant gets <out>/<tenant id>/ in it.`,
    );
  }
}
