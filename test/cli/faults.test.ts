/**
 * Faults through the sandbox knobs, real process, real sign-in: 3 s replication lag, 20 % 429s
 * with a fractional Retry-After and 10 % 503s. Apply must still converge with no duplicates. This
 * costs real seconds (lag is wall-clock here), so it is one run.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { CliRunner, leakedSecrets, sandboxArgs } from "./helpers.js";

let sandbox: Sandbox;
let cli: CliRunner;

beforeAll(async () => {
  sandbox = await startSandbox({ faults: { lagMs: 3000, throttleRate: 0.2, retryAfter: "0.3", failRate: 0.1, seed: 42 } });
  cli = await CliRunner.create("eo-cli-faults-");
});
afterAll(async () => {
  await cli?.dispose();
  await sandbox?.close();
});

describe("apply through lag, throttling and 503s", () => {
  it("exits 0 with exactly one app, one service principal and no duplicate assignments", async () => {
    const r = await cli.run(["apply", "--yes", "--json", ...(await sandboxArgs(sandbox, cli.cwd))], { timeoutMs: 110_000 });
    expect(r.code, r.stderr).toBe(0);
    const { appId } = JSON.parse(r.stdout) as { appId: string };

    const tenant = sandbox.fake.tenant(sandbox.tenants[0]!.id);
    const apps = tenant.applications().filter((a) => a.displayName === "Xops-App");
    expect(apps.map((a) => a.appId)).toEqual([appId]);
    const sps = tenant.servicePrincipals().filter((s) => s.appId === appId);
    expect(sps).toHaveLength(1);
    const grants = tenant.appRoleAssignmentsFor(sps[0]!.id).map((g) => `${g.resourceId}/${g.appRoleId}`);
    expect(grants).toHaveLength(2);
    expect(new Set(grants).size).toBe(2);
    const roles = tenant.roleAssignmentsFor(sps[0]!.id).map((x) => `${x.roleDefinitionId}@${x.directoryScopeId}`);
    expect(roles).toHaveLength(1);
    expect(tenant.keyCredentials(appId)).toHaveLength(1);
    // The knobs really bit: some answers were 429 or 503.
    expect(sandbox.fake.requests.some((e) => e.status === 429 || e.status === 503)).toBe(true);
    expect(leakedSecrets(`${r.stdout}\n${r.stderr}`)).toEqual([]);
  }, 120_000);
});
