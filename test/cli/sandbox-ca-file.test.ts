/**
 * The sandbox's CA file (issue 9, finding 9): by default in a private directory the sandbox makes
 * and removes when it stops, never at a fixed name in the shared temp directory (where a planted
 * link would be followed and another user's file reused); an explicit --ca-file is never written
 * through a link or over someone else's file.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { chown, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CliRunner, errorLines } from "./helpers.js";

let cli: CliRunner;

beforeAll(async () => {
  cli = await CliRunner.create("eo-cli-sbxca-");
});
afterAll(async () => {
  await cli?.dispose();
});

/** Starts `entra-onboard sandbox …` and resolves with its banner, the CA file it names, and its exit. */
async function startSandboxCommand(args: string[]): Promise<{ child: ChildProcess; caFile: string; exited: Promise<number | null> }> {
  const child = cli.spawn(["sandbox", ...args]);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const banner = await new Promise<string>((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`no banner; got:\n${text}`)), 15_000);
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      text += d;
      if (text.includes("Press Ctrl-C")) {
        clearTimeout(timer);
        resolve(text);
      }
    });
    child.once("exit", (code) => reject(new Error(`exited ${code}; got:\n${text}`)));
  });
  const caFile = /CA file:\s+(\S+)/.exec(banner)?.[1];
  if (!caFile) throw new Error(`no CA file in:\n${banner}`);
  return { child, caFile, exited };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("the sandbox's CA file", () => {
  it("lives in a private directory of its own, which is gone once the sandbox stops (SIGTERM)", async () => {
    const { child, caFile, exited } = await startSandboxCommand(["--port", "0"]);
    const dir = dirname(caFile);
    expect(dir).not.toBe(tmpdir());
    expect(await readFile(caFile, "utf8")).toMatch(/^-----BEGIN CERTIFICATE-----/);
    if (process.platform !== "win32") {
      const info = await stat(dir);
      expect(info.mode & 0o777).toBe(0o700);
      expect(info.uid).toBe(process.getuid?.());
    }
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(existsSync(dir)).toBe(false);
  });

  it("does not follow a link planted at the old fixed name in the shared temp directory", async () => {
    const port = await freePort();
    const victim = join(cli.cwd, "victim.txt");
    await writeFile(victim, "untouched\n");
    const planted = join(tmpdir(), `entra-onboard-sandbox-${port}-ca.pem`);
    await rm(planted, { force: true });
    await symlink(victim, planted);
    try {
      const { child, exited } = await startSandboxCommand(["--port", String(port)]);
      child.kill("SIGINT");
      expect(await exited).toBe(0);
      expect(await readFile(victim, "utf8")).toBe("untouched\n");
    } finally {
      await rm(planted, { force: true });
    }
  });

  it("--ca-file that is a symbolic link is refused (exit 2) and its target left alone", async () => {
    const victim = join(cli.cwd, "victim-2.txt");
    await writeFile(victim, "untouched\n");
    await symlink(victim, join(cli.cwd, "link-ca.pem"));
    const r = await cli.run(["sandbox", "--ca-file", join(cli.cwd, "link-ca.pem")], { timeoutMs: 20_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(errorLines(r.stderr)[0]).toMatch(/--ca-file .*link-ca\.pem exists and is not a regular file/);
    expect(await readFile(victim, "utf8")).toBe("untouched\n");
  });

  it.skipIf(process.getuid?.() !== 0)("--ca-file owned by another user is refused (exit 2) and left alone (needs root to make one)", async () => {
    const theirs = join(cli.cwd, "theirs-ca.pem");
    await writeFile(theirs, "theirs\n");
    await chown(theirs, 65534, 65534);
    const r = await cli.run(["sandbox", "--ca-file", theirs], { timeoutMs: 20_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(errorLines(r.stderr)[0]).toMatch(/belongs to another user/);
    expect(await readFile(theirs, "utf8")).toBe("theirs\n");
  });
});
