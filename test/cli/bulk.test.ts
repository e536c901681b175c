/**
 * `entra-onboard bulk` as an MSP runs it: the real CLI as a child process against a sandbox started
 * here that plays the partner and its customers (--sandbox-url/--sandbox-ca), so the tests read the
 * tenants' truth. One customer has no GDAP relationship, one has too few roles; the rest must
 * converge, and the exit code, the report and connections.csv must say exactly which failed and why.
 */
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCsv } from "../../src/bulk/csv.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { expectConverged, readBulkReport, requestsIn, tenantsFile, writesIn } from "./bulk-helpers.js";
import { CliRunner, errorLines, leakedSecrets, sandboxArgs, STACK_LINE } from "./helpers.js";

let cli: CliRunner;
let sandbox: Sandbox;
let target: string[];
let fleet: string;
let good: string;
const out = () => join(cli.cwd, "out");

beforeAll(async () => {
  cli = await CliRunner.create("eo-cli-bulk-");
  sandbox = await startSandbox({ tenants: 5, partner: { withoutRelationship: [4], weakRelationship: [5] } });
  target = [...(await sandboxArgs(sandbox, cli.cwd)), "--log-format", "json", "--no-token-cache"];
  const [t1, t2, t3, t4, t5] = sandbox.tenants;
  fleet = await tenantsFile(cli.cwd, "fleet.csv", "tenant,friendlyName", [
    `${t1?.initialDomain},Contoso Ltd`,
    `${t2?.id},"=HYPERLINK(""https://evil.example"",""click"")"`,
    `${t3?.initialDomain},"Northwind, Inc."`,
    `${t4?.initialDomain},No Relationship`,
    `${t5?.initialDomain},Weak Relationship`,
  ]);
  good = await tenantsFile(cli.cwd, "good.csv", "tenant", [t1, t2, t3].map((t) => t?.initialDomain ?? ""));
});
afterAll(async () => {
  await sandbox?.close();
  await cli?.dispose();
});

const tenant = (i: number) => sandbox.tenants[i] ?? { id: "", initialDomain: "", displayName: "" };

describe("bulk apply over a fleet where two customers refuse", () => {
  it("the others converge; exit 1, and the summary, report and connections.csv say which failed and why", async () => {
    const r = await cli.run(["bulk", "apply", fleet, "--yes", "--out", out(), "--concurrency", "3", ...target]);
    expect(r.code, r.stderr).toBe(1);
    const apps = [0, 1, 2].map((i) => expectConverged(sandbox, tenant(i).id));
    for (const i of [3, 4]) expect(writesIn(sandbox, tenant(i).id, 0), `writes in ${tenant(i).initialDomain}`).toBe(0);
    // One sign-in, in the partner tenant.
    expect(r.stderr.match(/enter the code/g)).toHaveLength(1);
    expect(r.stderr).toContain("sandboxpartner.onmicrosoft.com");

    expect(r.stdout).toMatch(/bulk apply: 5 tenants: 3 succeeded, 2 failed; 3 changed\./);
    const failed = r.stdout.slice(r.stdout.indexOf("Failed (2):"));
    expect(failed).toMatch(new RegExp(`${tenant(3).initialDomain} \\(line 5\\): Entra refused the sign-in: AADSTS50020: User account 'admin@sandboxpartner\\.onmicrosoft\\.com'`));
    expect(failed).toMatch(new RegExp(`${tenant(4).initialDomain} \\(line 6\\): Preflight failed, nothing was changed: the signed-in admin holds none of Global Administrator, Privileged Role Administrator`));

    const report = await readBulkReport(out());
    expect(report.schema).toBe("entra-onboard/bulk/v1");
    expect([report.finished, report.interrupted]).toEqual([true, false]);
    expect(report.tenants.map((t) => [t.tenantId, t.status])).toEqual([
      [tenant(0).id, "succeeded"],
      [tenant(1).id, "succeeded"],
      [tenant(2).id, "succeeded"],
      [null, "failed"],
      [tenant(4).id, "failed"],
    ]);
    expect(report.tenants[3]?.error).toMatch(/AADSTS50020/);
    expect(report.tenants[4]?.error).toMatch(/^Preflight failed/);
    expect(report.tenants.slice(0, 3).map((t) => t.connection?.appId)).toEqual(apps);

    const csvText = await readFile(join(out(), "connections.csv"), "utf8");
    const [header, ...rows] = parseCsv(csvText).map((rec) => rec.fields);
    expect(header).toEqual(["Friendly name", "Tenant ID", "Application ID", "Organisation name", "Certificate file", "Thumbprint"]);
    expect(rows.map((row) => row.slice(0, 4))).toEqual([
      ["Contoso Ltd", tenant(0).id, apps[0], tenant(0).initialDomain],
      [`'=HYPERLINK("https://evil.example","click")`, tenant(1).id, apps[1], tenant(1).initialDomain],
      ["Northwind, Inc.", tenant(2).id, apps[2], tenant(2).initialDomain],
    ]);
    for (const [i, row] of rows.entries()) {
      expect(row[4]).toBe(join(tenant(i).id, "certificate.cer"));
      expect(sandbox.fake.tenant(tenant(i).id).keyCredentials(apps[i] ?? "").map((k) => (k.customKeyIdentifier ?? "").toUpperCase())).toEqual([row[5]]);
      expect((await stat(join(out(), tenant(i).id, "private-key.pem"))).mode & 0o777).toBe(0o600);
    }
    expect(leakedSecrets(`${r.stdout}${r.stderr}${csvText}${JSON.stringify(report)}`)).toEqual([]);
  });

  it("a re-run of the finished tenants writes nothing anywhere; status and plan --detailed-exitcode exit 0", async () => {
    const before = sandbox.fake.requests.length;
    const again = await cli.run(["bulk", "apply", good, "--yes", "--out", out(), ...target]);
    expect(again.code, again.stderr).toBe(0);
    for (const i of [0, 1, 2]) expect(writesIn(sandbox, tenant(i).id, before)).toBe(0);
    expect(again.stdout.match(/in sync, no changes/g)).toHaveLength(3);
    // The keys are in --out: without it, status would count the certificates as ones the tool does not hold.
    const status = await cli.run(["bulk", "status", good, "--out", out(), ...target]);
    expect(status.code, status.stdout).toBe(0);
    expect(status.stdout.match(/ in sync$/gm)).toHaveLength(3);
    const plan = await cli.run(["bulk", "plan", good, "--detailed-exitcode", "--out", out(), ...target]);
    expect(plan.code, plan.stdout).toBe(0);
    for (const i of [0, 1, 2]) expect(writesIn(sandbox, tenant(i).id, before)).toBe(0);
  });

  it("status over the whole fleet: drift in the weak tenant and the failure are exit 1; --json is one document", async () => {
    const r = await cli.run(["bulk", "status", fleet, "--json", "--out", out(), ...target]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { schema: string; command: string; tenants: { status: string; inSync: boolean | null; preflight: string[] }[] };
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect(doc.schema).toBe("entra-onboard/bulk/v1");
    expect(doc.command).toBe("status");
    expect(doc.tenants.map((t) => [t.status, t.inSync])).toEqual([["succeeded", true], ["succeeded", true], ["succeeded", true], ["failed", null], ["succeeded", false]]);
    expect(doc.tenants[4]?.preflight.length).toBeGreaterThan(0);
  });

  it("--only-failed runs only what did not succeed (or never ran): once the customer approves a relationship, that tenant converges", async () => {
    // The last report in --out is good.csv's re-run: it knows tenant 2 by domain, the fleet file by id.
    const relationships = sandbox.partner?.relationships;
    const model = relationships?.list()[0];
    if (!model) throw new Error("no relationship to copy");
    relationships?.establish({ ...model, id: "approved-later", customerTenantId: tenant(3).id });
    const before = sandbox.fake.requests.length;
    const r = await cli.run(["bulk", "apply", fleet, "--only-failed", "--yes", "--out", out(), "--ndjson", ...target]);
    expect(r.code).toBe(1);
    for (const i of [0, 1, 2]) expect(requestsIn(sandbox, tenant(i).id, before)).toBe(0);
    expectConverged(sandbox, tenant(3).id);
    expect(writesIn(sandbox, tenant(4).id, 0)).toBe(0);
    const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { schema: string; type: string; selected?: number });
    expect(events.every((e) => e.schema === "entra-onboard/bulk-event/v1")).toBe(true);
    expect(events[0]).toMatchObject({ type: "run-started", selected: 2 });
    expect(events.at(-1)?.type).toBe("run-finished");
    const report = await readBulkReport(out());
    expect(report.tenants.map((t) => t.status)).toEqual(["succeeded", "succeeded", "succeeded", "succeeded", "failed"]);
    const rows = parseCsv(await readFile(join(out(), "connections.csv"), "utf8")).slice(1);
    expect(rows.map((row) => row.fields[1])).toEqual([0, 1, 2, 3].map((i) => tenant(i).id));
    expect(leakedSecrets(r.stdout + r.stderr)).toEqual([]);
  });
});

describe("the partner's sign-in is kept between runs", () => {
  it("the second run reaches every customer without a device code (token cache on)", async () => {
    const cached = [...(await sandboxArgs(sandbox, cli.cwd)), "--log-format", "json"];
    const first = await cli.run(["bulk", "plan", good, "--out", out(), ...cached]);
    const second = await cli.run(["bulk", "plan", good, "--out", out(), ...cached]);
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(first.stderr.match(/enter the code/g)).toHaveLength(1);
    expect(second.stderr).not.toContain("enter the code");
    expect(second.stderr).toMatch(/token cache: plain file .*reused the sign-in of admin@sandboxpartner\.onmicrosoft\.com/);
    expect(second.stdout.match(/ no changes$/gm)).toHaveLength(3);
  });
});

describe("bad input: exit 2, one error line, no sign-in and no request", () => {
  it("invalid rows of every kind, and bad options", async () => {
    const bad = await tenantsFile(cli.cwd, "bad.csv", "tenant,friendlyName,profile,name,certificate", [
      ",empty tenant,,,",
      "not a domain,,,,",
      `${tenant(0).initialDomain},,,,`,
      `${tenant(0).initialDomain.toUpperCase()},,,,`,
      `${tenant(1).initialDomain},,nope,,`,
      `${tenant(2).initialDomain},,,,missing.cer`,
      `${tenant(3).initialDomain},,,${"n".repeat(130)},`,
    ]);
    const openOut = join(cli.cwd, "open-out");
    await mkdir(openOut);
    await chmod(openOut, 0o777);
    const singleOut = join(cli.cwd, "single-out");
    await mkdir(singleOut, { mode: 0o700 });
    await writeFile(join(singleOut, "connection.json"), "{}");
    const profile = join(cli.cwd, "too-much.yaml");
    await writeFile(profile, "name: too-much\npermissions:\n  - Microsoft Graph / AccessReview.Read.All\nroles:\n  - Global Administrator\n");
    const privileged = await tenantsFile(cli.cwd, "privileged.csv", "tenant,profile", [`${tenant(0).initialDomain},`, `${tenant(1).initialDomain},${profile}`]);
    const unprintable = await tenantsFile(cli.cwd, "unprintable.csv", "tenant,friendlyName", [`${tenant(0).initialDomain},\u001b[31mRed Ltd`]);
    const before = sandbox.fake.requests.length;
    const cases = [
      { args: ["bulk", "apply", bad, "--yes"], error: /bad.csv has 6 bad rows \(nothing was done; fix them and run again\): line 2: .*\| line 3: .*\| line 5: .*already on line 4.*\| line 6: Unknown profile 'nope'.*\| line 7: Cannot read certificate file .*missing\.cer.*\| line 8: name must be 1 to 64/ },
      { args: ["bulk", "apply", join(cli.cwd, "absent.csv"), "--yes"], error: /Cannot read tenants file .*absent\.csv: no such file/ },
      { args: ["bulk", "plan", good, "--concurrency", "0"], error: /--concurrency must be a whole number from 1 to 256/ },
      { args: ["bulk", "apply", good], error: /needs confirmation: pass --yes/ },
      { args: ["bulk", "plan"], error: /name a tenants file/ },
      { args: ["bulk", "plan", good, "--auth", "access-token"], error: /bulk cannot use --auth access-token/ },
      { args: ["bulk", "remove", good], error: /Invalid values/ },
      // The checks every command gets (argv-checks.ts), for bulk's own options and its file too.
      { args: ["bulk", "plan", good, "--out", join(cli.cwd, "a"), "--out", join(cli.cwd, "b")], error: /^error: --out was given twice; give it once\.$/ },
      { args: ["bulk", "plan", good, "--concurrency", "2", "--concurrency", "3"], error: /--concurrency was given twice/ },
      { args: ["bulk", "plan", good, "--out="], error: /--out was given an empty value/ },
      { args: ["bulk", "plan", `${good}\u001b[2K`], error: /an argument contains a control character \(U\+001B\)/ },
      { args: ["bulk", "plan", good, "--partner-tenant", "not a tenant"], error: /--partner-tenant must be a tenant id \(GUID\) or a domain/ },
      // --out: the user's own, closed to others, not one tenant's directory; --only-failed needs a report there.
      { args: ["bulk", "plan", good, "--out", openOut], error: /--out .*open-out is writable by group or others \(mode 777\)/ },
      { args: ["bulk", "apply", good, "--yes", "--out", singleOut], error: /--out .*single-out holds connection\.json: it is one tenant's directory/ },
      { args: ["bulk", "apply", good, "--yes", "--only-failed", "--out", join(cli.cwd, "no-report")], error: /--only-failed needs the report of an earlier bulk apply/ },
      // A row whose profile grants more than read access, a row with a control character.
      { args: ["bulk", "apply", privileged, "--yes"], error: /line 3: Profile too-much grants more than read access: .*Global Administrator.*--allow-privileged/ },
      { args: ["bulk", "plan", unprintable], error: /line 2: 'friendlyName' contains a control character \(U\+001B\)/ },
    ];
    for (const c of cases) {
      const r = await cli.run([...c.args, ...target]);
      expect(r.code, `${c.args.join(" ")}\n${r.stderr}`).toBe(2);
      expect(errorLines(r.stderr), c.args.join(" ")).toHaveLength(1);
      expect(errorLines(r.stderr)[0], c.args.join(" ")).toMatch(c.error);
      expect(r.stderr).not.toMatch(STACK_LINE);
      expect(r.stderr).not.toContain("enter the code");
    }
    expect(sandbox.fake.requests.length).toBe(before);
  });

  it("the admin's token goes only where it belongs: bulk's --graph-url is checked like every command's", async () => {
    const plain = await cli.run(["bulk", "plan", good, "--graph-url", "http://192.0.2.2:8080", "--auth", "device-code", "--no-token-cache"]);
    expect(plain.code, plain.stderr).toBe(2);
    expect(errorLines(plain.stderr)).toEqual([expect.stringMatching(/plain HTTP to 192\.0\.2\.2, which is not this machine/)]);
    const other = await cli.run(["bulk", "plan", good, "--graph-url", "https://graph.example.net", "--allow-graph-host", "other.example.net", "--auth", "device-code", "--no-token-cache"]);
    expect(other.code, other.stderr).toBe(2);
    expect(errorLines(other.stderr)).toEqual([expect.stringMatching(/--allow-graph-host other\.example\.net does not match the Graph host graph\.example\.net/)]);
    expect(`${plain.stderr}${other.stderr}`).not.toContain("enter the code");
  });
});
