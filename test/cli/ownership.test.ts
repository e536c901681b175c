/**
 * Issue 9, findings 1, 5 and 7 as an admin sees them: the real CLI process against a sandbox
 * (device-code sign-in, then the runner's token cache). A plain user's look-alike app is refused
 * by plan and apply, naming the owner; a shared --out across tenants is bad input; a live lock on
 * --out stops a run; two runs at once on one --out end with a certificate that is on the app;
 * remove after --adopt shows and takes back only entra-onboard's part.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readHeldCertificate } from "../../src/cert/files.js";
import { uniqueNameFor } from "../../src/core/unique-name.js";
import { sandboxAdmin } from "../../src/sandbox/identities.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { CliRunner, errorLines, leakedSecrets, sandboxArgs, STACK_LINE } from "./helpers.js";

let sandbox: Sandbox;
let cli: CliRunner;
let target: string[];

beforeAll(async () => {
  sandbox = await startSandbox({ tenants: 2 });
  cli = await CliRunner.create("eo-cli-owner-");
  target = await sandboxArgs(sandbox, cli.cwd);
});
afterAll(async () => {
  expect(leakedSecrets(cli?.allOutput() ?? "")).toEqual([]);
  await cli?.dispose();
  await sandbox?.close();
});

const tenantAt = (i: number) => sandbox.fake.tenant(sandbox.tenants[i]!.id);
const out = (name: string) => join(cli.cwd, name);

describe("a plain user's look-alike app (real CLI)", () => {
  it("plan and apply refuse it, naming the owner; nothing is granted to it", async () => {
    const tenant = tenantAt(0);
    // A member of the tenant with no directory role registered it (and so owns it), with our tag.
    const member = tenant.addUser({ displayName: "Plain Member", userPrincipalName: "member", roles: [] });
    const tag = `entra-onboard:${uniqueNameFor("Member App")}`;
    const planted = tenant.addApplication({ displayName: "Member App", tags: [tag], owners: [member.id] });
    const before = sandbox.fake.requests.length;

    const planned = await cli.run(["plan", "--name", "Member App", "--tenant", sandbox.tenants[0]!.id, "--out", out("member"), ...target]);
    expect(planned.code, planned.stderr).toBe(1);
    const [line] = errorLines(planned.stderr);
    expect(line).toContain(`${member.displayName} (${member.userPrincipalName})`);
    expect(line).toContain("--adopt");
    expect(planned.stderr).not.toMatch(STACK_LINE);

    const applied = await cli.run(["apply", "--yes", "--name", "Member App", "--tenant", sandbox.tenants[0]!.id, "--out", out("member"), ...target]);
    expect(applied.code, applied.stderr).toBe(1);
    expect(errorLines(applied.stderr).join()).toContain(member.userPrincipalName);
    expect(sandbox.fake.stats(before).writes).toBe(0);
    expect(tenant.servicePrincipalByAppId(planted.appId)).toBeUndefined();
    expect(tenant.keyCredentials(planted.appId)).toEqual([]);
  });

  it("an owner whose name holds a newline and escapes cannot forge lines: the refusal stays one line, the characters escaped", async () => {
    const tenant = tenantAt(0);
    const member = tenant.addUser({ displayName: "Eve\n\u001b[32m  + nothing to see", userPrincipalName: "eve", roles: [] });
    tenant.addApplication({ displayName: "Eve App", tags: [`entra-onboard:${uniqueNameFor("Eve App")}`], owners: [member.id] });
    const planned = await cli.run(["plan", "--name", "Eve App", "--tenant", sandbox.tenants[0]!.id, "--out", out("eve"), ...target]);
    expect(planned.code, planned.stderr).toBe(1);
    expect(planned.stderr).not.toContain("\u001b[32m");
    expect(planned.stderr).not.toMatch(/^\s*\+ nothing to see/m);
    const lines = errorLines(planned.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("Eve\\u000a\\u001b[32m  + nothing to see (eve");
  });
});

describe("--out belongs to one tenant and one run at a time (real CLI)", () => {
  it("the --out of tenant 1 used for tenant 2: exit 2, one error line, nothing written in tenant 2", async () => {
    const [t1, t2] = sandbox.tenants.map((t) => t.id) as [string, string];
    const first = await cli.run(["apply", "--yes", "--json", "--tenant", t1, "--out", out("shared"), ...target]);
    expect(first.code, first.stderr).toBe(0);
    const before = sandbox.fake.requests.length;
    const second = await cli.run(["apply", "--yes", "--tenant", t2, "--out", out("shared"), ...target]);
    expect(second.code, second.stderr).toBe(2);
    const lines = errorLines(second.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`holds the key of app ${(JSON.parse(first.stdout) as { appId: string }).appId}`);
    expect(lines[0]).toContain(`in tenant ${t1}, not of tenant ${t2}; use a separate --out per tenant`);
    expect(sandbox.fake.stats(before).writes).toBe(0);
    expect(tenantAt(1).applications()).toEqual([]);
    expect(JSON.parse(await readFile(join(out("shared"), "connection.json"), "utf8"))).toMatchObject({ tenantId: t1 });
  });

  it("a live lock on --out: exit 1 naming the process, nothing written", async () => {
    const t1 = sandbox.tenants[0]!.id;
    const dir = out("shared");
    await writeFile(join(dir, "entra-onboard.lock"), JSON.stringify({ pid: process.pid, host: (await import("node:os")).hostname(), startedAt: new Date().toISOString() }));
    const before = sandbox.fake.requests.length;
    const r = await cli.run(["apply", "--yes", "--tenant", t1, "--out", dir, ...target]);
    expect(r.code, r.stderr).toBe(1);
    expect(errorLines(r.stderr).join()).toMatch(new RegExp(`Another entra-onboard run \\(pid ${process.pid} on .*\\) is using --out`));
    expect(sandbox.fake.stats(before).writes).toBe(0);
  });

  it("two applies at once with one --out: each ends in success or the lock refusal, and every reported thumbprint is on the app with its key in --out", async () => {
    const t1 = sandbox.tenants[0]!.id;
    const dir = out("together");
    sandbox.setFaults({ latencyMs: 150 });
    const runs = await Promise.all([0, 1].map(() => cli.run(["apply", "--yes", "--json", "--name", "Together", "--tenant", t1, "--out", dir, ...target])));
    sandbox.setFaults({});
    for (const r of runs) {
      expect([0, 1], r.stderr).toContain(r.code);
      if (r.code === 1) expect(errorLines(r.stderr).join()).toMatch(/Another entra-onboard run \(pid \d+ .*\) is using --out/);
    }
    const reported = runs.filter((r) => r.code === 0).map((r) => JSON.parse(r.stdout) as { appId: string; certificate: { thumbprint: string } });
    expect(reported.length).toBeGreaterThanOrEqual(1);
    const held = await readHeldCertificate(dir);
    for (const r of reported) {
      const onApp = tenantAt(0).keyCredentials(r.appId).map((k) => k.customKeyIdentifier?.toUpperCase());
      expect(onApp).toContain(r.certificate.thumbprint);
      expect(held?.thumbprint).toBe(r.certificate.thumbprint);
    }
    expect(tenantAt(0).applications().filter((a) => a.displayName === "Together")).toHaveLength(1);
  });
});

describe("remove after --adopt (real CLI)", () => {
  it("--dry-run lists what entra-onboard added by name; remove takes it back and keeps the app", async () => {
    const t1 = sandbox.tenants[0]!.id;
    const tenant = tenantAt(0);
    // Made by hand in the portal by the simulated admin, who therefore owns it.
    const admin = sandboxAdmin(tenant, false).oid;
    const handMade = tenant.addApplication({ displayName: "Hand Made", tags: ["by-hand"], owners: [admin] });
    const dir = out("adopted");
    const adopted = await cli.run(["apply", "--yes", "--adopt", "--name", "Hand Made", "--tenant", t1, "--out", dir, ...target]);
    expect(adopted.code, adopted.stderr).toBe(0);

    const dry = await cli.run(["remove", "--dry-run", "--name", "Hand Made", "--tenant", t1, "--out", dir, ...target]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/- remove certificate [0-9A-F]{40} \(added by entra-onboard\)/);
    expect(dry.stdout).toContain("- revoke admin consent: Office 365 Exchange Online / Exchange.ManageAsApp (granted by entra-onboard)");
    expect(dry.stdout).toContain("- remove directory role Global Reader (assigned by entra-onboard)");
    expect(dry.stdout).toContain(`~ release application ${handMade.appId} (adopted: the app itself stays)`);
    expect(dry.stdout).not.toContain("delete application");

    const removed = await cli.run(["remove", "--yes", "--name", "Hand Made", "--tenant", t1, "--out", dir, ...target]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain("the app itself was kept");
    const after = tenant.applicationByAppId(handMade.appId);
    expect(after?.tags).toEqual(["by-hand"]);
    expect(tenant.keyCredentials(handMade.appId)).toEqual([]);
    const sp = tenant.servicePrincipalByAppId(handMade.appId)!;
    expect(tenant.appRoleAssignmentsFor(sp.id)).toEqual([]);
    expect(tenant.roleAssignmentsFor(sp.id)).toEqual([]);
  });
});
