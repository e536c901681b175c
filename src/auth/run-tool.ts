/**
 * Runs a keyring tool with a bounded wait. Its stdout can be a secret (the cache key): it is returned
 * to the caller only, never logged or put into an error message.
 */
import { spawn } from "node:child_process";

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface ToolOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** Written to stdin, which is then closed. */
  input?: string;
  timeoutMs: number;
}

export function runTool(command: string, args: readonly string[], options: ToolOptions): Promise<ToolResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...options.env }, stdio: ["pipe", "pipe", "pipe"], windowsHide: true });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
    const finish = (code: number | null, spawnError?: Error) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr: spawnError ? spawnError.message : stderr, timedOut });
    };
    child.once("error", (error) => finish(null, error));
    child.once("close", (code) => finish(code));
  });
}
