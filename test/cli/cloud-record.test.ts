/**
 * The cloud remembered in connection.json, and bulk --prune, as a user meets them: the built CLI as
 * a child process against sandboxes started in the test process, whose state (and, for the cloud,
 * every HTTP request they received) the test reads.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GRAPH_APP_ID } from "../../src/core/well-known.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { expectConverged, readBulkReport, tenantsFile } from "./bulk-helpers.js";
import { CliRunner, errorLines, leakedSecrets, sandboxArgs, STACK_LINE } from "./helpers.js";

let cli: CliRunner;

beforeAll(async () => {
  cli = await CliRunner.create("eo-cli-cloud-record-");
});
afterAll(async () => {
  await cli?.dispose();
});

const GOV_PROFILE = "name: xops-gov\npermissions:\n  - Microsoft Exchange Online Protection / Exchange.ManageAsApp\n  - Microsoft Graph / AccessReview.Read.All\nroles:\n  - Global Reader\n";

const connectionJson = async (out: string) => JSON.parse(await readFile(join(out, "connection.json"), "utf8")) as Record<string, unknown>;

/** Application permission values the service principal holds, sorted. */
function grantedValues(sandbox: Sandbox, tenantId: string, spId: string): (string | undefined)[] {
  const tenant = sandbox.fake.tenant(tenantId);
  return tenant
    .appRoleAssignmentsFor(spId)
    .map((a) => tenant.servicePrincipals().find((s) => s.id === a.resourceId)?.appRoles.find((r) => r.id === a.appRoleId)?.value)
    .sort();
}

describe("the cloud recorded in connection.json (a sandbox playing GCC High)", () => {
  it("later commands on that --out sign in to the recorded cloud without --cloud; another cloud is refused before any request", async () => {
    const requests: string[] = [];
    const sandbox = await startSandbox({ cloud: "usgov", log: (line) => requests.push(line) });
    try {
      const target = await sandboxArgs(sandbox, cli.cwd);
      const profile = join(cli.cwd, "xops-gov.yaml");
      await writeFile(profile, GOV_PROFILE);
      const out = join(cli.cwd, "usgov-out");
      const applied = await cli.run(["apply", "--cloud", "usgov", "--profile", profile, "--out", out, "--yes", ...target]);
      expect(applied.code, applied.stderr).toBe(0);
      expect(await connectionJson(out)).toMatchObject({ cloud: "usgov", tenantId: sandbox.tenants[0]!.id });

      // No --cloud, no ENTRA_ONBOARD_CLOUD: the recorded cloud's resources are asked for (the
      // sandbox refuses the worldwide Graph's), so these succeed only because the cloud was read.
      const status = await cli.run(["status", "--profile", profile, "--out", out, ...target]);
      expect(status.code, status.stderr).toBe(0);
      expect(status.stderr).toContain(`the usgov cloud, as ${join(out, "connection.json")} records (no --cloud given)`);
      const verified = await cli.run(["verify", "--profile", profile, "--out", out, ...target]);
      expect(verified.code, verified.stderr).toBe(0);
      expect(verified.stdout).toContain("All checks passed");
      const again = await cli.run(["apply", "--profile", profile, "--out", out, "--yes", ...target]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/Microsoft cloud:\s+Microsoft 365 GCC High/);
      // The same cloud named explicitly is fine.
      expect((await cli.run(["plan", "--cloud", "usgov", "--profile", profile, "--out", out, ...target])).code).toBe(0);

      const before = requests.length;
      const wrong = await cli.run(["status", "--cloud", "global", "--profile", profile, "--out", out, ...target]);
      expect(wrong.code).toBe(2);
      expect(errorLines(wrong.stderr)).toEqual([expect.stringMatching(/--out \S+usgov-out holds a connection in the usgov cloud \(its connection\.json records it\), but --cloud is global: drop --cloud and the recorded cloud is used/)]);
      expect(wrong.stderr).not.toMatch(STACK_LINE);
      const fromEnv = await cli.run(["apply", "--yes", "--profile", profile, "--out", out, ...target], { env: { ENTRA_ONBOARD_CLOUD: "china" } });
      expect(fromEnv.code).toBe(2);
      expect(errorLines(fromEnv.stderr)).toEqual([expect.stringMatching(/in the usgov cloud.*but ENTRA_ONBOARD_CLOUD is china: unset ENTRA_ONBOARD_CLOUD/)]);
      const verifyWrong = await cli.run(["verify", "--cloud", "global", "--out", out, ...target]);
      expect(verifyWrong.code).toBe(2);
      // Not one request (sign-in or Graph) reached the sandbox, and the record is unchanged.
      expect(requests.slice(before)).toEqual([]);
      expect(await connectionJson(out)).toMatchObject({ cloud: "usgov" });

      // Without --out, a --tenant given by id names the directory (./entra-onboard-out/<id>): its
      // record counts too (another app, so the two directories' certificates do not meet).
      const tenantId = sandbox.tenants[0]!.id;
      const byTenant = ["--tenant", tenantId.toUpperCase(), "--name", "Xops-Default", "--profile", profile, ...target];
      const defaultOut = await cli.run(["apply", "--cloud", "usgov", "--yes", ...byTenant]);
      expect(defaultOut.code, defaultOut.stderr).toBe(0);
      expect(await connectionJson(join(cli.cwd, "entra-onboard-out", tenantId))).toMatchObject({ cloud: "usgov" });
      const defaultStatus = await cli.run(["status", ...byTenant]);
      expect(defaultStatus.code, defaultStatus.stdout).toBe(0);
      const beforeDefault = requests.length;
      const wrongDefault = await cli.run(["plan", "--cloud", "china", ...byTenant]);
      expect(wrongDefault.code).toBe(2);
      expect(errorLines(wrongDefault.stderr)).toEqual([expect.stringMatching(/entra-onboard-out\/[0-9a-f-]{36} holds a connection in the usgov cloud.*but --cloud is china/)]);
      expect(requests.slice(beforeDefault)).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });

  it("a connection.json written before the field existed is the worldwide cloud, and the next apply records it", async () => {
    const sandbox = await startSandbox();
    try {
      const target = await sandboxArgs(sandbox, cli.cwd);
      const out = join(cli.cwd, "old-out");
      expect((await cli.run(["apply", "--yes", "--out", out, ...target])).code).toBe(0);
      const { cloud, ...old } = await connectionJson(out);
      expect(cloud).toBe("global");
      await writeFile(join(out, "connection.json"), JSON.stringify(old, null, 2), { mode: 0o600 });

      const status = await cli.run(["status", "--out", out, ...target]);
      expect(status.code, status.stderr).toBe(0);
      expect((await connectionJson(out))["cloud"]).toBeUndefined();
      const again = await cli.run(["apply", "--yes", "--out", out, ...target]);
      expect(again.code, again.stderr).toBe(0);
      expect(await connectionJson(out)).toMatchObject({ cloud: "global", appId: old["appId"] });
    } finally {
      await sandbox.close();
    }
  });
});

describe("bulk: per-tenant records and --prune (a partner with two customers)", () => {
  it("bulk plan|apply --prune removes an extra grant from the tool's app in one tenant and leaves another app's; a tenant recorded in another cloud fails alone", async () => {
    const sandbox = await startSandbox({ tenants: 2, partner: true });
    try {
      const target = await sandboxArgs(sandbox, cli.cwd);
      const [first, second] = sandbox.tenants;
      const file = await tenantsFile(cli.cwd, "prune.csv", "tenant", sandbox.tenants.map((t) => t.initialDomain));
      const out = join(cli.cwd, "prune-fleet");
      const onboarded = await cli.run(["bulk", "apply", file, "--yes", "--out", out, ...target]);
      expect(onboarded.code, onboarded.stderr).toBe(0);
      for (const t of sandbox.tenants) expect((await connectionJson(join(out, t.id)))["cloud"]).toBe("global");

      const tenant = sandbox.fake.tenant(first!.id);
      const appId = expectConverged(sandbox, first!.id);
      const sp = tenant.servicePrincipalByAppId(appId)!;
      const graph = tenant.servicePrincipalByAppId(GRAPH_APP_ID)!;
      const directoryRead = graph.appRoles.find((r) => r.value === "Directory.Read.All")!.id;
      tenant.addAppRoleAssignment({ principalId: sp.id, resourceId: graph.id, appRoleId: directoryRead });
      const other = tenant.addServicePrincipal({ appId: tenant.addApplication({ displayName: "Other app" }).appId });
      tenant.addAppRoleAssignment({ principalId: other.id, resourceId: graph.id, appRoleId: directoryRead });

      // Without --prune the extra is no change to make; with it, one removal in that tenant only.
      const plain = await cli.run(["bulk", "plan", file, "--detailed-exitcode", "--out", out, ...target]);
      // Drift apply leaves alone is no change to apply: 0, as a single `plan --detailed-exitcode`.
      expect(plain.code, plain.stderr).toBe(0);
      expect(plain.stdout).toMatch(new RegExp(`${first!.id}\\s+no changes`));
      const planned = await cli.run(["bulk", "plan", file, "--prune", "--detailed-exitcode", "--ndjson", "--out", out, ...target]);
      expect(planned.code, planned.stderr).toBe(3);
      const finished = planned.stdout
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { type: string; result?: { tenantId: string; actions: string[] } })
        .filter((e) => e.type === "tenant-finished");
      expect(Object.fromEntries(finished.map((e) => [e.result!.tenantId, e.result!.actions]))).toEqual({
        [first!.id]: ["revoke Microsoft Graph / Directory.Read.All"],
        [second!.id]: [],
      });
      const table = await cli.run(["bulk", "plan", file, "--prune", "--out", out, ...target]);
      expect(table.stdout).toMatch(new RegExp(`${first!.id}\\s+1 to destroy`));
      expect(tenant.appRoleAssignmentsFor(sp.id)).toHaveLength(3);

      const refused = await cli.run(["bulk", "status", file, "--prune", "--out", out, ...target]);
      expect(refused.code).toBe(2);
      expect(errorLines(refused.stderr)).toEqual([expect.stringMatching(/--prune is for bulk plan and bulk apply/)]);

      const pruned = await cli.run(["bulk", "apply", file, "--prune", "--yes", "--out", out, ...target]);
      expect(pruned.code, pruned.stderr).toBe(0);
      expect(grantedValues(sandbox, first!.id, sp.id)).toEqual(["AccessReview.Read.All", "Exchange.ManageAsApp"]);
      expect(grantedValues(sandbox, first!.id, other.id)).toEqual(["Directory.Read.All"]);
      expectConverged(sandbox, second!.id);
      const report = await readBulkReport(out);
      expect(report.tenants.map((t) => [t.tenantId, t.changed])).toEqual([
        [first!.id, true],
        [second!.id, false],
      ]);

      // The second tenant's directory now says it is a China connection: that tenant fails, naming
      // both clouds; the first runs as usual.
      const record = await connectionJson(join(out, second!.id));
      await writeFile(join(out, second!.id, "connection.json"), JSON.stringify({ ...record, cloud: "china" }), { mode: 0o600 });
      const mixed = await cli.run(["bulk", "plan", file, "--out", out, ...target]);
      expect(mixed.code).toBe(1);
      expect(mixed.stdout).toMatch(/holds a connection in the china cloud \(its connection\.json records it\), but this run is in the global cloud: run it with --cloud china/);
      expect(mixed.stdout).toMatch(/1 succeeded, 1 failed/);
    } finally {
      await sandbox.close();
    }
  });
});

describe("secrets", () => {
  it("no run in this file printed a token or key material", () => {
    expect(cli.results.length).toBeGreaterThanOrEqual(17);
    expect(leakedSecrets(cli.allOutput())).toEqual([]);
  });
});
