/**
 * Where the token cache's encryption key lives: the OS keyring, reached through the command-line tool
 * each OS ships, so no native module is needed. Linux: `secret-tool` (libsecret) talking to the
 * freedesktop.org Secret Service (GNOME Keyring, KWallet, KeePassXC); macOS: the `security` tool and
 * the login keychain; Windows: DPAPI through PowerShell's System.Security.Cryptography.ProtectedData.
 * One 256-bit key per cache directory. Keys travel over stdin/stdout only, never on a command line.
 */
import { createHash } from "node:crypto";
import { access, constants } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { DPAPI_KEY_FILE, KEYRING_ENV } from "./cache-location.js";
import { readPrivateFile, removeFile, writePrivateFile } from "./private-files.js";
import { runTool, type ToolResult } from "./run-tool.js";

export interface KeyStore {
  /** Written into the encrypted cache, so a later run knows where its key lives. */
  readonly id: string;
  /** For messages: "the Secret Service keyring via secret-tool". */
  readonly description: string;
  /** The stored key, or undefined when there is none. Throws KeyringError when the keyring does not answer. */
  load(): Promise<Buffer | undefined>;
  save(key: Buffer): Promise<void>;
  /** True when a key was removed. */
  remove(): Promise<boolean>;
}

export class KeyringError extends Error {}

export const KEY_BYTES = 32;
const SERVICE = "entra-onboard";
/** A locked keyring may ask the user to unlock it; give them time, but never hang for good. */
const KEYRING_TIMEOUT_MS = 60_000;

type Env = Readonly<Record<string, string | undefined>>;

export interface KeyStoreChoice {
  keyStore: KeyStore | undefined;
  /** Why there is none, for the "plain file" message. */
  reason: string;
}

/** The OS keyring for this platform when its tool is installed (nothing is run yet: cheap). */
export async function osKeyStore(directory: string, env: Env, platform: NodeJS.Platform = process.platform): Promise<KeyStoreChoice> {
  if (env[KEYRING_ENV]?.trim().toLowerCase() === "none") return { keyStore: undefined, reason: `${KEYRING_ENV}=none` };
  const tool = platform === "darwin" ? "security" : platform === "win32" ? "powershell.exe" : "secret-tool";
  const path = await findOnPath(tool, env, platform);
  if (!path) return { keyStore: undefined, reason: `no OS keyring found: ${tool} is not installed` };
  if (platform === "darwin") return { keyStore: macKeychain(path, directory, env), reason: "" };
  if (platform === "win32") return { keyStore: windowsDpapi(path, directory, env), reason: "" };
  return { keyStore: secretService(path, directory, env), reason: "" };
}

function secretService(tool: string, directory: string, env: Env): KeyStore {
  const attributes = ["application", SERVICE, "cache-directory", directory];
  return {
    id: "secret-service",
    description: "the Secret Service keyring via secret-tool",
    load: async () => {
      const r = await runTool(tool, ["lookup", ...attributes], { env, timeoutMs: KEYRING_TIMEOUT_MS });
      // secret-tool exits 1 both for "no such item" (silently) and for a keyring that does not answer.
      if (r.code === 0) return decodeKey(r.stdout);
      if (r.stderr.trim() === "") return undefined;
      throw failure("secret-tool lookup", r);
    },
    save: async (key) => {
      const label = `entra-onboard token cache key (${directory})`;
      const r = await runTool(tool, ["store", "--label", label, ...attributes], { env, input: key.toString("base64"), timeoutMs: KEYRING_TIMEOUT_MS });
      if (r.code !== 0) throw failure("secret-tool store", r);
    },
    remove: async () => (await runTool(tool, ["clear", ...attributes], { env, timeoutMs: KEYRING_TIMEOUT_MS })).code === 0,
  };
}

function macKeychain(tool: string, directory: string, env: Env): KeyStore {
  const account = `token-cache-key-${createHash("sha256").update(directory).digest("hex").slice(0, 16)}`;
  const NOT_FOUND = 44; // errSecItemNotFound
  return {
    id: "macos-keychain",
    description: "the macOS login keychain via security",
    load: async () => {
      const r = await runTool(tool, ["find-generic-password", "-s", SERVICE, "-a", account, "-w"], { env, timeoutMs: KEYRING_TIMEOUT_MS });
      if (r.code === 0) return decodeKey(r.stdout);
      if (r.code === NOT_FOUND) return undefined;
      throw failure("security find-generic-password", r);
    },
    save: async (key) => {
      // `security -i` reads the command from stdin, which keeps the key out of the process list.
      const secret = key.toString("base64");
      const command = `add-generic-password -U -s ${SERVICE} -a ${account} -l entra-onboard-token-cache-key -w ${secret}\n`;
      const r = await runTool(tool, ["-i"], { env, input: command, timeoutMs: KEYRING_TIMEOUT_MS });
      // In -i mode a failed command may echo itself: keep the key out of the message.
      if (r.code !== 0 || /error/i.test(r.stderr)) throw failure("security add-generic-password", { ...r, stderr: r.stderr.replaceAll(secret, "[key]") });
    },
    remove: async () => (await runTool(tool, ["delete-generic-password", "-s", SERVICE, "-a", account], { env, timeoutMs: KEYRING_TIMEOUT_MS })).code === 0,
  };
}

function windowsDpapi(tool: string, directory: string, env: Env): KeyStore {
  const file = join(directory, DPAPI_KEY_FILE);
  const dpapi = async (method: "Protect" | "Unprotect", base64: string): Promise<string> => {
    const script =
      "Add-Type -AssemblyName System.Security; $d = [Convert]::FromBase64String([Console]::In.ReadToEnd().Trim()); " +
      `[Convert]::ToBase64String([Security.Cryptography.ProtectedData]::${method}($d, $null, 'CurrentUser'))`;
    const r = await runTool(tool, ["-NoLogo", "-NoProfile", "-NonInteractive", "-Command", script], { env, input: base64, timeoutMs: KEYRING_TIMEOUT_MS });
    if (r.code !== 0) throw failure(`DPAPI ${method}`, r);
    return r.stdout.trim();
  };
  return {
    id: "windows-dpapi",
    description: "Windows DPAPI for your Windows account",
    load: async () => {
      const sealed = await readPrivateFile(file);
      return sealed === undefined ? undefined : decodeKey(await dpapi("Unprotect", sealed.trim()));
    },
    save: async (key) => writePrivateFile(file, await dpapi("Protect", key.toString("base64"))),
    remove: () => removeFile(file),
  };
}

/** A stored key that is not 32 bytes of base64 counts as missing: a new one replaces it. */
function decodeKey(text: string): Buffer | undefined {
  const key = Buffer.from(text.trim(), "base64");
  return key.length === KEY_BYTES ? key : undefined;
}

/** "secret-tool lookup: Cannot autolaunch D-Bus without X11 $DISPLAY" (the tool's own first stderr line). */
function failure(what: string, r: ToolResult): KeyringError {
  const line = (r.stderr.trim().split("\n")[0] ?? "").replace(/^[\w.-]+:\s+/, "");
  return new KeyringError(`${what}: ${r.timedOut ? "timed out" : line || `exit ${r.code ?? "?"}`}`);
}

async function findOnPath(tool: string, env: Env, platform: NodeJS.Platform): Promise<string | undefined> {
  if (platform === "darwin") return (await isExecutable("/usr/bin/security")) ? "/usr/bin/security" : undefined;
  const dirs = (env.PATH ?? env.Path ?? "").split(platform === "win32" ? ";" : delimiter).filter(Boolean);
  for (const dir of dirs) {
    const candidate = join(dir, tool);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
