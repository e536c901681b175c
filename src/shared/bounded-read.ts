/**
 * Reading a file someone named on the command line or left in a directory, without trusting its
 * size or kind: at most `cap` bytes are read (a multi-gigabyte profile or /dev/zero cannot eat the
 * machine's memory) and only regular files are read at all (a FIFO or device would block or never
 * end). The open is non-blocking so that a named pipe without a writer cannot hang the run.
 */
import { constants } from "node:fs";
import { open } from "node:fs/promises";

/** Byte limits, far above anything real: a certificate chain, a profile, connection.json, a CA, --out's lock. */
export const READ_CAPS = {
  certificate: 256 * 1024,
  profile: 256 * 1024,
  connectionFile: 64 * 1024,
  caFile: 256 * 1024,
  lockFile: 4 * 1024,
} as const;

export type BoundedRead =
  | { ok: true; bytes: Buffer }
  | { ok: false; code: "missing" | "not-a-file" | "too-large" | "unreadable"; reason: string };

export async function readBoundedFile(path: string, cap: number): Promise<BoundedRead> {
  let handle;
  try {
    // O_NONBLOCK matters only for FIFOs (and is absent on Windows); regular files ignore it.
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return openFailure(error);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { ok: false, code: "not-a-file", reason: "not a regular file (a directory, device or pipe)" };
    if (info.size > cap) return tooLarge(cap);
    // The size can change under us (or lie, for special files on some systems): read cap+1 at most.
    const buffer = Buffer.alloc(cap + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > cap) return tooLarge(cap);
    }
    return { ok: true, bytes: buffer.subarray(0, length) };
  } catch (error) {
    return openFailure(error);
  } finally {
    await handle.close();
  }
}

function tooLarge(cap: number): BoundedRead {
  return { ok: false, code: "too-large", reason: `larger than ${Math.round(cap / 1024)} KiB, far more than such a file holds` };
}

function openFailure(error: unknown): BoundedRead {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") return { ok: false, code: "missing", reason: "no such file" };
  if (code === "EISDIR") return { ok: false, code: "not-a-file", reason: "it is a directory" };
  if (code === "EACCES" || code === "EPERM") return { ok: false, code: "unreadable", reason: "permission denied" };
  return { ok: false, code: "unreadable", reason: code ?? (error instanceof Error ? error.message : String(error)) };
}
