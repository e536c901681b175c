/**
 * Sign in once, as an admin sees it: `plan` then `apply` against a running sandbox print the device
 * code once; `--no-token-cache` and `logout` bring it back; the in-process `--sandbox` keeps nothing.
 * Real CLI processes, real @azure/identity device-code flow, ENTRA_ONBOARD_CACHE_DIR in the runner.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { secretServiceSkipReason, startSecretService, type SecretService } from "../support/secret-service.js";
import { CliRunner, leakedSecrets, sandboxArgs } from "./helpers.js";

const DEVICE_CODE = /enter the code [A-Z0-9]{9} to authenticate/g;

let sandbox: Sandbox;
let cli: CliRunner;
let target: string[];
const sandboxLog: string[] = [];
const deviceCodeRequests = () => sandboxLog.filter((l) => /^POST \/[^/]+\/oauth2\/v2\.0\/devicecode -> 200/.test(l)).length;

beforeAll(async () => {
  sandbox = await startSandbox({ log: (line) => sandboxLog.push(line) });
  cli = await CliRunner.create("eo-cli-cache-");
  target = await sandboxArgs(sandbox, cli.cwd);
});
afterAll(async () => {
  await cli?.dispose();
  await sandbox?.close();
});

const codes = (stderr: string) => stderr.match(DEVICE_CODE)?.length ?? 0;

describe("kept sign-in across CLI runs (plain file: the runner disables the OS keyring)", () => {
  it("plan then apply: the device code appears once, and apply still signs in", async () => {
    const before = deviceCodeRequests();
    const plan = await cli.run(["plan", ...target]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(codes(plan.stderr)).toBe(1);
    expect(plan.stderr).toMatch(/token cache: plain file .*token-cache\.json \(mode 0600; ENTRA_ONBOARD_KEYRING=none\); saved the sign-in of admin@sandbox1\.onmicrosoft\.com/);

    const apply = await cli.run(["apply", "--yes", "--json", ...target]);
    expect(apply.code, apply.stderr).toBe(0);
    expect(codes(apply.stderr)).toBe(0);
    expect(apply.stderr).toMatch(/token cache: plain file .*; reused the sign-in of admin@sandbox1\.onmicrosoft\.com/);
    expect(JSON.parse(apply.stdout)).toMatchObject({ tenantId: sandbox.tenants[0]!.id, changed: true });
    expect(deviceCodeRequests() - before).toBe(1);
  });

  it("keeps the directory 0700 and the files 0600", async () => {
    expect((await stat(cli.cacheDir)).mode & 0o777).toBe(0o700);
    expect((await readdir(cli.cacheDir)).sort()).toEqual(["sign-in-records.json", "token-cache.json"]);
    for (const file of await readdir(cli.cacheDir)) expect((await stat(join(cli.cacheDir, file))).mode & 0o777).toBe(0o600);
  });

  it("--no-token-cache signs in again and leaves the cache as it was", async () => {
    const before = await readFile(join(cli.cacheDir, "token-cache.json"), "utf8");
    const r = await cli.run(["status", "--no-token-cache", ...target]);
    expect(r.code, r.stderr).toBe(0);
    expect(codes(r.stderr)).toBe(1);
    expect(r.stderr).not.toContain("token cache:");
    expect(await readFile(join(cli.cacheDir, "token-cache.json"), "utf8")).toBe(before);
  });

  it("logout --tenant of another tenant keeps the sign-in and lists it", async () => {
    const r = await cli.run(["logout", "--tenant", "00000000-0000-0000-0000-000000000000"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Nothing to remove: no kept sign-in for tenant 00000000-0000-0000-0000-000000000000");
    expect(r.stdout).toContain(`sign-in of admin@sandbox1.onmicrosoft.com to tenant ${sandbox.tenants[0]!.id} at ${sandbox.url}`);
    expect(codes((await cli.run(["status", ...target])).stderr)).toBe(0);
  });

  it("logout removes it and says so; the next run shows a device code again; a second logout has nothing to do", async () => {
    const out = await cli.run(["logout"]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain(`Removed from ${cli.cacheDir}:`);
    expect(out.stdout).toContain(`- sign-in of admin@sandbox1.onmicrosoft.com to tenant ${sandbox.tenants[0]!.id} at ${sandbox.url}`);
    expect(out.stdout).toContain(`- token cache ${join(cli.cacheDir, "token-cache.json")}`);
    expect(await readdir(cli.cacheDir)).toEqual([]);

    const plan = await cli.run(["plan", ...target]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(codes(plan.stderr)).toBe(1);

    await cli.run(["logout"]);
    const again = await cli.run(["logout", "--json"]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ schema: "entra-onboard/logout/v1", directory: cli.cacheDir, tenant: null, removed: [], kept: [] });
  });

  it("the in-process --sandbox keeps nothing (its authority is gone after the run)", async () => {
    const own = await CliRunner.create("eo-cli-cache-inproc-");
    try {
      const r = await own.run(["plan", "--sandbox"]);
      expect(r.code, r.stderr).toBe(0);
      expect(codes(r.stderr)).toBe(1);
      await expect(stat(own.cacheDir)).rejects.toMatchObject({ code: "ENOENT" });
    } finally {
      await own.dispose();
    }
  });

  it("never printed a token", () => {
    expect(leakedSecrets(cli.allOutput())).toEqual([]);
  });
});

const skipReason = process.platform === "linux" ? secretServiceSkipReason() : "Linux only";
describe.skipIf(Boolean(skipReason))("kept sign-in encrypted with the Secret Service (private GNOME Keyring)", () => {
  let service: SecretService;
  let runner: CliRunner;
  beforeAll(async () => {
    service = await startSecretService();
    runner = await CliRunner.create("eo-cli-cache-keyring-");
  });
  afterAll(async () => {
    await runner?.dispose();
    await service?.close();
  });

  it("says it is encrypted, holds no token text, reuses the sign-in, and logout clears the key", async () => {
    const env = { ...service.env, ENTRA_ONBOARD_KEYRING: "auto" };
    const plan = await runner.run(["plan", ...target], { env });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stderr).toMatch(/token cache: encrypted with the Secret Service keyring via secret-tool \(.*token-cache\.json\); saved the sign-in/);
    const text = await readFile(join(runner.cacheDir, "token-cache.json"), "utf8");
    expect(JSON.parse(text)).toMatchObject({ format: "entra-onboard/token-cache", keyring: "secret-service" });
    for (const marker of ["sbx-rt.", "RefreshToken", "admin@sandbox1"]) expect(text).not.toContain(marker);

    const status = await runner.run(["status", ...target], { env });
    expect(codes(status.stderr)).toBe(0);
    expect(status.stderr).toMatch(/token cache: encrypted with the Secret Service keyring .*; reused the sign-in/);

    const out = await runner.run(["logout"], { env });
    expect(out.stdout).toContain("- the token cache key in the Secret Service keyring via secret-tool");
    expect(service.secretTool(["lookup", "application", "entra-onboard", "cache-directory", runner.cacheDir]).stdout).toBe("");
  });
});
