/**
 * The CLI's own entry points as a user meets them: `--version`, `--help`, the in-process
 * `apply --sandbox --yes --verify`, a separately started `entra-onboard sandbox` driven over its
 * printed URL and CA file, and the preflight refusal of an admin without Privileged Role Administrator.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/server.js";
import { CliRunner, leakedSecrets, readUntil, REPO, sandboxArgs } from "./helpers.js";

let cli: CliRunner;

beforeAll(async () => {
  cli = await CliRunner.create("eo-cli-sbx-");
});
afterAll(async () => {
  await cli?.dispose();
});


describe("--version and --help", () => {
  it("--version prints package.json's version", async () => {
    const pkg = JSON.parse(await readFile(join(REPO, "package.json"), "utf8")) as { version: string };
    const r = await cli.run(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it("--help lists the commands and the exit codes", async () => {
    const r = await cli.run(["--help"]);
    expect(r.code).toBe(0);
    for (const command of ["plan", "apply", "status", "remove", "verify", "sandbox"]) expect(r.stdout).toMatch(new RegExp(`entra-onboard ${command}\\b`));
    expect(r.stdout).toContain("Exit codes");
    for (const code of ["0", "1", "2", "3", "4"]) expect(r.stdout).toMatch(new RegExp(`^\\s+${code}\\s+\\S`, "m"));
  });

  it("the fast --help (rendered at build time) is exactly what yargs prints", async () => {
    const cached = await cli.run(["--help"]);
    const live = await cli.run(["--help"], { env: { ENTRA_ONBOARD_NO_HELP_CACHE: "1" } });
    expect(live.code).toBe(0);
    expect(cached.stdout).toBe(live.stdout);
  });
});

describe("apply --sandbox --yes --verify (in-process sandbox)", () => {
  it("onboards a simulated tenant, prints the connection details, says it is simulated, and verifies", async () => {
    const r = await cli.run(["apply", "--sandbox", "--yes", "--verify"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/simulated/i);
    expect(r.stdout).toMatch(/Tenant ID:\s+[0-9a-f-]{36}/);
    expect(r.stdout).toMatch(/Application ID:\s+[0-9a-f-]{36}/);
    expect(r.stdout).toMatch(/Organisation name:\s+\S+\.onmicrosoft\.com/);
    expect(r.stdout).toMatch(/Thumbprint \(SHA-1\):\s+[0-9A-F]{40}/);
    expect(r.stdout).toContain("All checks passed");
  });
});

describe("entra-onboard sandbox (separate process)", () => {
  it("prints its URLs and CA file, serves plan, and stops with exit 0 on SIGINT", async () => {
    const caFile = join(cli.cwd, "separate-ca.pem");
    const child = cli.spawn(["sandbox", "--port", "0", "--ca-file", caFile]);
    let stderr = "";
    child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const banner = await readUntil(child, /Press Ctrl-C/);
    expect(banner).toMatch(/SIMULATED/);
    const url = /Authority URL:\s+(https:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
    expect(url, banner).toBeDefined();
    expect(banner).toContain(`Graph URL:      ${url}/v1.0`);
    expect(banner).toContain(caFile);

    const plan = await cli.run(["plan", "--detailed-exitcode", "--sandbox-url", url!, "--sandbox-ca", caFile]);
    expect(plan.code, plan.stderr).toBe(3);
    expect(plan.stdout).toContain("+ create application Xops-App");

    child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(stderr).toContain("sandbox stopped");
  });
});

describe("preflight refusal", () => {
  it("an admin without Privileged Role Administrator: plan exits 4 and status 3, both saying so at the top, apply exits 1 naming the role, and nothing is created", async () => {
    const sandbox = await startSandbox({ adminLacksPrivilegedRoleAdmin: true });
    try {
      const target = await sandboxArgs(sandbox, cli.cwd);
      // plan says so first thing and exits 4: a script can tell it from a plan that will work.
      const plan = await cli.run(["plan", "--detailed-exitcode", ...target]);
      expect(plan.code, plan.stderr).toBe(4);
      const firstLines = plan.stdout.split("\n").slice(0, 3).join("\n");
      expect(firstLines).toContain("Preflight would refuse this plan");
      expect(firstLines).toContain("Privileged Role Administrator");
      // status keeps its drift exit code, and shows the same problems first.
      const status = await cli.run(["status", ...target]);
      expect(status.code, status.stderr).toBe(3);
      expect(status.stdout.split("\n").slice(0, 3).join("\n")).toContain("Preflight would refuse this plan");
      const r = await cli.run(["apply", "--yes", ...target]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain("Privileged Role Administrator");
      const tenant = sandbox.fake.tenant(sandbox.tenants[0]!.id);
      expect(tenant.applications()).toHaveLength(0);
      expect(sandbox.fake.stats().writes).toBe(0);
    } finally {
      await sandbox.close();
    }
  });
});

describe("secrets", () => {
  it("no run in this file printed a token or key material", () => {
    expect(cli.results.length).toBeGreaterThanOrEqual(7);
    expect(leakedSecrets(cli.allOutput())).toEqual([]);
  });
});
