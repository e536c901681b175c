/**
 * `apply --sandbox --auth browser --yes` end to end in a real browser: the CLI (InteractiveBrowserCredential,
 * unchanged) opens the system browser through the `open` package, which on Linux runs xdg-open; xdg-open
 * without a desktop opens $BROWSER. Here that is a script that starts headless Chromium with remote
 * debugging, and the test clicks Accept on the sandbox's consent page over CDP (playwright-core). The
 * redirect then reaches MSAL's loopback listener, the code is redeemed with its PKCE verifier, and the
 * onboarding completes.
 *
 * Needs Debian's chromium (`apt-get install -y chromium`); without /usr/bin/chromium the test is skipped
 * and says so.
 */
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CliRunner, leakedSecrets } from "../cli/helpers.js";

const CHROMIUM = process.env.EO_TEST_CHROMIUM ?? "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const SKIP_REASON = `SKIPPED: ${CHROMIUM} is not installed (apt-get install -y chromium) - the browser sign-in test needs a real browser`;
if (!HAVE_CHROMIUM) console.warn(`browser-sign-in.test.ts ${SKIP_REASON}`);

let cli: CliRunner;
beforeAll(async () => {
  cli = await CliRunner.create("eo-browser-");
});
afterAll(async () => {
  await cli?.dispose();
});

/**
 * Stands in for the desktop's browser. The flags keep Chromium off the (closed) network; the in-process
 * sandbox makes a new certificate each run, so this throwaway profile skips certificate checks.
 */
function launcherScript(dir: string): string {
  const flags = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--ignore-certificate-errors", `--user-data-dir="${dir}/profile"`, "--remote-debugging-port=0",
  ].join(" ");
  return `#!/bin/sh\necho "$1" >> "${dir}/opened-urls"\nnohup "${CHROMIUM}" ${flags} "$1" > "${dir}/chromium.log" 2>&1 &\necho $! > "${dir}/chromium.pid"\nexit 0\n`;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** SIGTERM, then wait until it is gone (its profile directory is removed afterwards). */
async function stopProcess(pid: number): Promise<void> {
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, "SIGTERM");
  await waitFor(`Chromium (pid ${pid}) to exit`, async () => (alive() ? undefined : true), 10_000).catch(() => process.kill(pid, "SIGKILL"));
}

describe("apply --sandbox --auth browser (headless Chromium)", () => {
  it.skipIf(!HAVE_CHROMIUM)(HAVE_CHROMIUM ? "signs in through the consent page and completes the onboarding" : SKIP_REASON, async () => {
    const dir = join(cli.cwd, "browser");
    const bin = join(dir, "bin");
    await mkdir(bin, { recursive: true });
    const launcher = join(bin, "xdg-open");
    await writeFile(launcher, launcherScript(dir));
    await chmod(launcher, 0o755);
    let browser: Browser | undefined;
    try {
      const run = cli.run(["apply", "--sandbox", "--auth", "browser", "--yes"], {
        timeoutMs: 90_000,
        // No desktop: xdg-open falls back to $BROWSER (a system xdg-open on PATH would be this script too).
        env: { BROWSER: launcher, PATH: `${bin}:${process.env.PATH ?? ""}`, DISPLAY: "", WAYLAND_DISPLAY: "", XDG_CURRENT_DESKTOP: "", DESKTOP_SESSION: "" },
      });
      const port = await waitFor("Chromium's DevTools port", async () => (await readFile(join(dir, "profile", "DevToolsActivePort"), "utf8")).split("\n")[0] || undefined);
      browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
      const connected = browser;
      const page: Page = await waitFor("the authorize page", async () => connected.contexts()[0]?.pages().find((p) => p.url().includes("/oauth2/v2.0/authorize")));
      await page.waitForSelector("#accept");

      // The page says where and as whom, and what is being consented to.
      expect(await page.locator("#tenant").textContent()).toMatch(/sandbox1\.onmicrosoft\.com \([0-9a-f-]{36}\)/);
      expect(await page.locator("#admin").textContent()).toContain("admin@sandbox1.onmicrosoft.com");
      expect(await page.locator("#client").textContent()).toContain("Microsoft Graph Command Line Tools");
      const scopes = await page.locator("#scopes li").allTextContents();
      expect(scopes).toEqual(expect.arrayContaining(["Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All", "RoleManagement.ReadWrite.Directory"]));
      expect(await page.textContent("body")).toMatch(/SIMULATED/);
      const opened = await readFile(join(dir, "opened-urls"), "utf8");
      expect(opened).toMatch(/code_challenge_method=S256/);

      // Accept redirects the browser to MSAL's loopback listener with the code. (MSAL then redirects to
      // its own root and may already have closed its listener, so the success page is not awaited.)
      const toLoopback = page.waitForRequest((r) => /^http:\/\/localhost:\d+\/\?/.test(r.url()), { timeout: 30_000 });
      await page.click("#accept");
      const loopback = new URL((await toLoopback).url());
      expect(loopback.searchParams.get("code")).toMatch(/^sbx-ac\./);
      expect(loopback.searchParams.get("client_info")).toBeTruthy();

      const r = await run;
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/Tenant ID:\s+[0-9a-f-]{36}/);
      expect(r.stdout).toMatch(/Application ID:\s+[0-9a-f-]{36}/);
      expect(leakedSecrets(cli.allOutput())).toEqual([]);
    } finally {
      await browser?.close().catch(() => undefined);
      const pid = Number(await readFile(join(dir, "chromium.pid"), "utf8").catch(() => ""));
      if (pid > 0) await stopProcess(pid);
    }
  }, 120_000);
});
