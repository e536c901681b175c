/**
 * --cloud and --prune as a user meets them, through the built CLI as a child process: a separately
 * started `entra-onboard sandbox --cloud usgov` (GCC High) driven over its printed URL and CA file,
 * and `apply --prune` repairing the tool's own app in an in-process sandbox whose state the test
 * reads.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GRAPH_APP_ID } from "../../src/core/well-known.js";
import { startSandbox } from "../../src/sandbox/server.js";
import { expectConverged, tenantsFile } from "./bulk-helpers.js";
import { CliRunner, errorLines, leakedSecrets, readUntil, sandboxArgs, STACK_LINE } from "./helpers.js";

let cli: CliRunner;

beforeAll(async () => {
  cli = await CliRunner.create("eo-cli-clouds-");
});
afterAll(async () => {
  await cli?.dispose();
});


describe("entra-onboard sandbox --cloud usgov (GCC High), separate process", () => {
  it("the default profile is refused before any write naming the alternative; the alternative onboards, verifies and is in sync; another cloud's sign-in fails", async () => {
    const caFile = join(cli.cwd, "usgov-ca.pem");
    const child = cli.spawn(["sandbox", "--cloud", "usgov", "--ca-file", caFile]);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const banner = await readUntil(child, /Press Ctrl-C/);
    expect(banner).toMatch(/\.onmicrosoft\.us/);
    expect(banner).toContain("apply --cloud usgov");
    const url = /Authority URL:\s+(https:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
    expect(url, banner).toBeDefined();
    const target = ["--sandbox-url", url!, "--sandbox-ca", caFile];
    const out = join(cli.cwd, "usgov-out");

    const refused = await cli.run(["plan", "--cloud", "usgov", "--out", out, ...target]);
    expect(refused.code, refused.stderr).toBe(2);
    expect(errorLines(refused.stderr)).toHaveLength(1);
    expect(errorLines(refused.stderr)[0]).toMatch(/not available in the usgov cloud.*'Microsoft Exchange Online Protection \/ Exchange\.ManageAsApp'.*nothing was changed/);
    expect(refused.stderr).not.toMatch(STACK_LINE);

    const profile = join(cli.cwd, "xops-gov.yaml");
    await writeFile(profile, "name: xops-gov\npermissions:\n  - Microsoft Exchange Online Protection / Exchange.ManageAsApp\n  - Microsoft Graph / AccessReview.Read.All\nroles:\n  - Global Reader\n");
    const applied = await cli.run(["apply", "--cloud", "usgov", "--profile", profile, "--out", out, "--yes", "--verify", ...target]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/Organisation name:\s+\S+\.onmicrosoft\.us/);
    expect(applied.stdout).toMatch(/Microsoft cloud:\s+Microsoft 365 GCC High.*Exchange environment O365USGovGCCHigh/);
    expect(applied.stdout).toContain("Microsoft Exchange Online Protection token carries Exchange.ManageAsApp");
    expect(applied.stdout).toContain("All checks passed");

    // The cloud from the environment, as a script would set it once.
    const status = await cli.run(["status", "--profile", profile, "--out", out, ...target], { env: { ENTRA_ONBOARD_CLOUD: "usgov" } });
    expect(status.code, status.stderr).toBe(0);
    // Another cloud than the one connection.json records is refused before sign-in (exit 2).
    const wrongCloud = await cli.run(["status", "--cloud", "global", "--profile", profile, "--out", out, ...target]);
    expect(wrongCloud.code).toBe(2);
    expect(errorLines(wrongCloud.stderr)).toEqual([expect.stringMatching(/holds a connection in the usgov cloud.*but --cloud is global/)]);
    // With an --out that records nothing, the global cloud's Graph does not exist in this cloud: sign-in is refused, nothing is read.
    const unrecorded = await cli.run(["status", "--cloud", "global", "--profile", profile, "--out", join(cli.cwd, "no-record-yet"), ...target]);
    expect(unrecorded.code).toBe(1);
    expect(unrecorded.stderr).toMatch(/Sign-in failed.*a sandbox started with --cloud needs the same --cloud here; this run's is global/);

    // rotate, verify and remove in the same cloud.
    const rotated = await cli.run(["rotate", "--cloud", "usgov", "--profile", profile, "--out", out, "--yes", ...target]);
    expect(rotated.code, rotated.stderr).toBe(0);
    const verified = await cli.run(["verify", "--cloud", "usgov", "--profile", profile, "--out", out, ...target]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain("All checks passed");
    const removed = await cli.run(["remove", "--cloud", "usgov", "--profile", profile, "--out", out, "--yes", ...target]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toMatch(/Deleted app registration Xops-App/);

    child.kill("SIGINT");
    expect(await exited).toBe(0);
  });

  it("bad cloud input: exit 2 with one line, before any sign-in", async () => {
    const mismatch = await cli.run(["plan", "--graph-url", "https://graph.microsoft.us"]);
    expect(mismatch.code).toBe(2);
    expect(errorLines(mismatch.stderr)).toEqual([expect.stringMatching(/Graph of the usgov cloud.*Pass --cloud usgov/)]);
    const unknown = await cli.run(["plan"], { env: { ENTRA_ONBOARD_CLOUD: "mars" } });
    expect(unknown.code).toBe(2);
    expect(errorLines(unknown.stderr)).toEqual([expect.stringMatching(/ENTRA_ONBOARD_CLOUD must be global, usgov, usgovdod or china/)]);
    const badChoice = await cli.run(["plan", "--cloud", "mars"]);
    expect(badChoice.code).toBe(2);
  });
});

describe("bulk --cloud china (one GDAP sign-in for the fleet)", () => {
  it("onboards every customer of a partner playing the China cloud", async () => {
    const sandbox = await startSandbox({ cloud: "china", tenants: 2, partner: true });
    try {
      const target = await sandboxArgs(sandbox, cli.cwd);
      const file = await tenantsFile(cli.cwd, "china.csv", "tenant", sandbox.tenants.map((t) => t.initialDomain));
      const r = await cli.run(["bulk", "apply", file, "--cloud", "china", "--yes", "--out", join(cli.cwd, "china-fleet"), ...target]);
      expect(r.code, r.stderr).toBe(0);
      for (const t of sandbox.tenants) {
        expect(t.initialDomain).toMatch(/\.partner\.onmschina\.cn$/);
        expectConverged(sandbox, t.id);
      }
    } finally {
      await sandbox.close();
    }
  });
});

describe("apply --prune (in-process sandbox, state read from it)", () => {
  it("plan shows - remove only with --prune, status exits 3 without it, apply --prune removes the extras from the tool's app only", async () => {
    const sandbox = await startSandbox();
    try {
      const target = await sandboxArgs(sandbox, cli.cwd);
      const out = join(cli.cwd, "prune-out");
      const first = await cli.run(["apply", "--yes", "--out", out, ...target]);
      expect(first.code, first.stderr).toBe(0);
      const tenant = sandbox.fake.tenant(sandbox.tenants[0]!.id);
      const app = tenant.applications().find((a) => a.displayName === "Xops-App")!;
      const sp = tenant.servicePrincipalByAppId(app.appId)!;
      const graph = tenant.servicePrincipalByAppId(GRAPH_APP_ID)!;
      const directoryRead = graph.appRoles.find((r) => r.value === "Directory.Read.All")!.id;
      tenant.addAppRoleAssignment({ principalId: sp.id, resourceId: graph.id, appRoleId: directoryRead });
      const other = tenant.addServicePrincipal({ appId: tenant.addApplication({ displayName: "Other app" }).appId });
      tenant.addAppRoleAssignment({ principalId: other.id, resourceId: graph.id, appRoleId: directoryRead });

      const drift = await cli.run(["status", "--out", out, ...target]);
      expect(drift.code, drift.stderr).toBe(3);
      expect(drift.stdout).toMatch(/extra permission granted, not in the profile: Microsoft Graph \/ Directory\.Read\.All \(apply --prune removes it\)/);
      const plain = await cli.run(["plan", "--out", out, ...target]);
      expect(plain.stdout).not.toMatch(/- remove admin consent/);

      const planned = await cli.run(["plan", "--prune", "--detailed-exitcode", "--out", out, ...target]);
      expect(planned.code, planned.stderr).toBe(3);
      expect(planned.stdout).toContain("- remove admin consent: Microsoft Graph / Directory.Read.All (not in the profile; --prune)");
      expect(planned.stdout).toMatch(/Plan: 0 to add, \d+ to change, 1 to destroy/);

      const pruned = await cli.run(["apply", "--prune", "--yes", "--out", out, ...target]);
      expect(pruned.code, pruned.stderr).toBe(0);
      const values = (spId: string) => tenant.appRoleAssignmentsFor(spId).map((a) => tenant.servicePrincipals().find((s) => s.id === a.resourceId)?.appRoles.find((r) => r.id === a.appRoleId)?.value).sort();
      expect(values(sp.id)).toEqual(["AccessReview.Read.All", "Exchange.ManageAsApp"]);
      expect(values(other.id)).toEqual(["Directory.Read.All"]);
      expect((await cli.run(["status", "--out", out, ...target])).code).toBe(0);
    } finally {
      await sandbox.close();
    }
  });
});

describe("secrets", () => {
  it("no run in this file printed a token or key material", () => {
    expect(cli.results.length).toBeGreaterThanOrEqual(10);
    expect(leakedSecrets(cli.allOutput())).toEqual([]);
  });
});
