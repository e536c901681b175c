/**
 * Runs the built CLI (dist/) as a real child process, as a user would: its own cwd, an environment
 * without the developer's ENTRA_* settings, stdin not a terminal. Every run's output is kept so a
 * file can check at the end that no token or key material was ever printed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Sandbox } from "../../src/sandbox/server.js";
import { parseStrictJson } from "../support/strict-json.js";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const BIN = join(REPO, "dist", "cli", "entra-onboard.js");
export const CERTS = join(REPO, "fixtures", "certs");

export interface CliResult {
  args: readonly string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The parent's environment minus anything that would point the CLI somewhere else. Kept sign-ins go
 * to `cacheDir` (a runner's own temp dir), never to the developer's cache directory, and never into
 * their OS keyring; a test that wants the keyring says so in `extra`.
 */
export function cleanEnv(cacheDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("ENTRA_") && !k.startsWith("AZURE_") && v !== undefined) env[k] = v;
  return { ...env, NO_COLOR: "1", ENTRA_ONBOARD_CACHE_DIR: cacheDir, ENTRA_ONBOARD_KEYRING: "none", ...extra };
}

export function assertBuilt(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npx tsc -p tsconfig.json\` before these tests (npm test does).`);
}

export interface RunOptions {
  env?: Record<string, string>;
  timeoutMs?: number;
}

export class CliRunner {
  readonly results: CliResult[] = [];
  private readonly children = new Set<ChildProcess>();

  private constructor(readonly cwd: string) {}

  /** Where this runner's CLI runs keep sign-ins (ENTRA_ONBOARD_CACHE_DIR): shared by its runs, gone with it. */
  get cacheDir(): string {
    return join(this.cwd, ".entra-onboard-cache");
  }

  static async create(prefix = "eo-cli-"): Promise<CliRunner> {
    assertBuilt();
    return new CliRunner(await mkdtemp(join(tmpdir(), prefix)));
  }

  /** Starts the CLI; the caller reads/ends it (used for the long-running `sandbox` command). */
  spawn(args: readonly string[], options: RunOptions = {}): ChildProcess {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: this.cwd, env: cleanEnv(this.cacheDir, options.env), stdio: ["ignore", "pipe", "pipe"] });
    this.children.add(child);
    child.once("exit", () => this.children.delete(child));
    return child;
  }

  run(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
    const child = this.spawn(args, options);
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    return new Promise((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code, signal) => {
        clearTimeout(timer);
        const result = { args, code, signal, stdout, stderr };
        this.results.push(result);
        resolve(result);
      });
    });
  }

  /** Everything any run printed, for the secrets check. */
  allOutput(): string {
    return this.results.map((r) => `${r.stdout}\n${r.stderr}`).join("\n");
  }

  async dispose(): Promise<void> {
    for (const child of this.children) child.kill("SIGKILL");
    await rm(this.cwd, { recursive: true, force: true });
  }
}

/** `--sandbox-url … --sandbox-ca …` for a sandbox started in the test process. */
export async function sandboxArgs(sandbox: Sandbox, dir: string): Promise<string[]> {
  const caFile = join(dir, `sandbox-ca-${new URL(sandbox.url).port}.pem`);
  await writeFile(caFile, sandbox.caPem);
  return ["--sandbox-url", sandbox.url, "--sandbox-ca", caFile];
}

/** Lines a bad-input run printed as errors (pino JSON logs and the device-code notice are not). */
/** Collects a child's stdout until `until` matches (or the child exits, or time runs out). */
export function readUntil(child: ChildProcess, until: RegExp, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${until}; got:\n${text}`)), timeoutMs);
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      text += d;
      if (until.test(text)) {
        clearTimeout(timer);
        resolve(text);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before printing ${until}; got:\n${text}`));
    });
  });
}

export function errorLines(stderr: string): string[] {
  return stderr.split("\n").filter((l) => l.startsWith("error:"));
}

export const STACK_LINE = /^\s{4}at /m;

/** Things that must never reach a terminal: JWTs (access, refresh, id tokens) and PEM keys. */
export function leakedSecrets(output: string): string[] {
  const found: string[] = [];
  if (output.includes("eyJ")) found.push("a JWT (eyJ…)");
  if (/PRIVATE KEY/.test(output)) found.push("PEM private key");
  return found;
}

/** The thumbprints of the certificates on an app in a sandbox tenant, upper case, sorted. */
export function thumbprintsOn(sandbox: Sandbox, tenantId: string, appId: string): string[] {
  return sandbox.fake.tenant(tenantId).keyCredentials(appId).map((k) => (k.customKeyIdentifier ?? "").toUpperCase()).sort();
}

/** The one JSON document a --json run printed (strict: duplicate keys fail). */
export function jsonDocumentOf(stdout: string): Record<string, any> {
  return parseStrictJson(stdout.trim()) as Record<string, any>;
}
