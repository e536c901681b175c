/**
 * One run at a time per --out. Two runs sharing a directory would each generate a key, overwrite
 * the other's files and report a thumbprint that is not on the app. apply and remove take a lock
 * file created exclusively (createFileExclusive: it fails if the file exists, never follows a link,
 * and appears whole or not at all), mode 0600, holding the owner's pid, host and start time, and remove it at the end, on errors too. A lock whose process
 * is gone (same host, pid not alive: a run killed with SIGKILL) is stale and taken over with a
 * warning; a live one stops the run before anything is read or written.
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { link, mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { createFileExclusive } from "../shared/atomic-file.js";
import { readBoundedFile, READ_CAPS } from "../shared/bounded-read.js";
import { InputError, OutDirBusyError } from "../shared/errors.js";

export const LOCK_FILE = "entra-onboard.lock";

/** A lock file that cannot be parsed is treated as live for this long (its writer may be mid-write). */
const UNREADABLE_GRACE_MS = 10_000;

interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

export interface OutLock {
  path: string;
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The lock's text, bounded and only from a regular file (a pipe planted as the lock must not hang the run). */
async function readLockText(path: string): Promise<string | "gone" | undefined> {
  const read = await readBoundedFile(path, READ_CAPS.lockFile);
  if (read.ok) return read.bytes.toString("utf8");
  return read.code === "missing" ? "gone" : undefined;
}

async function readOwner(path: string): Promise<{ owner: LockOwner | "unreadable"; text: string } | "gone"> {
  const text = await readLockText(path);
  if (text === "gone") return "gone";
  if (text === undefined) return { owner: "unreadable", text: "" };
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid === "number" && Number.isInteger(value.pid) && value.pid > 0 && typeof value.host === "string" && typeof value.startedAt === "string") {
      return { owner: { pid: value.pid, host: value.host, startedAt: value.startedAt }, text };
    }
  } catch {
    // fall through: not a lock this tool wrote (or one being written right now)
  }
  return { owner: "unreadable", text };
}

/**
 * Moves a stale lock out of the way, but only the one that was judged: if another run took it over
 * in between, its fresh lock is put back and the takeover fails.
 */
async function clearStale(path: string, judged: string): Promise<boolean> {
  const aside = `${path}.${randomUUID()}.stale`;
  try {
    await rename(path, aside);
  } catch {
    return true; // gone already: try to create it again
  }
  const moved = await readLockText(aside);
  if (moved === judged) {
    await rm(aside, { force: true });
    return true;
  }
  await link(aside, path).catch(() => undefined);
  await rm(aside, { force: true });
  return false;
}

async function isStale(path: string, owner: LockOwner | "unreadable", now: number): Promise<boolean> {
  if (owner === "unreadable") {
    const info = await stat(path).catch(() => undefined);
    return info !== undefined && now - info.mtimeMs > UNREADABLE_GRACE_MS;
  }
  return owner.host === hostname() && !alive(owner.pid);
}

/** Takes the lock of `outDir` (created 0700 if missing), or throws OutDirBusyError naming the owner. */
export async function lockOutDir(outDir: string, onWarning: (message: string) => void = () => undefined): Promise<OutLock> {
  const path = join(outDir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const text = `${JSON.stringify(me)}\n`;
  try {
    await mkdir(outDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new InputError(`--out ${outDir} cannot be created (${(error as NodeJS.ErrnoException).code ?? String(error)}); choose a directory you can write to.`);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      await createFileExclusive(path, text, { mode: 0o600 });
      return { path, release: () => release(path, text) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EEXIST") throw new InputError(`Cannot create ${path}: ${code ?? String(error)}; choose a writable --out directory.`);
    }
    const found = await readOwner(path);
    if (found === "gone" && attempt < 3) continue;
    const owner = found === "gone" ? "unreadable" : found.owner;
    if (found !== "gone" && attempt < 3 && (await isStale(path, found.owner, Date.now())) && (await clearStale(path, found.text))) {
      const who = owner === "unreadable" ? "an unreadable lock" : `pid ${owner.pid}, started ${owner.startedAt}, is no longer running`;
      onWarning(`took over the stale lock ${path} (${who})`);
      continue;
    }
    const who = owner === "unreadable" ? "another run" : `pid ${owner.pid} on ${owner.host}, started ${owner.startedAt}`;
    throw new OutDirBusyError(
      `Another entra-onboard run (${who}) is using --out ${outDir}; wait for it to finish (one run at a time per --out). If that process is gone, delete ${path}.`,
    );
  }
}

/** Removes the lock only if it is still ours (never another run's that took over a stale one). */
async function release(path: string, text: string): Promise<void> {
  if ((await readLockText(path)) === text) await rm(path, { force: true });
}
