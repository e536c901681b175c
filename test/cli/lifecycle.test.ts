/**
 * The whole life of an onboarding through the real CLI process against a sandbox started here:
 * plan on a fresh tenant, apply, re-run, status, drift, verify (with the right and a foreign
 * certificate) and remove. Sign-in is the real @azure/identity device-code flow, then reused from the
 * runner's token cache by the later runs.
 */
import { X509Certificate } from "node:crypto";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { parseStrictJson } from "../support/strict-json.js";
import { CERTS, CliRunner, leakedSecrets, sandboxArgs } from "./helpers.js";

let sandbox: Sandbox;
let cli: CliRunner;
let target: string[];
let tenantId: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  cli = await CliRunner.create("eo-cli-life-");
  target = await sandboxArgs(sandbox, cli.cwd);
  tenantId = sandbox.tenants[0]!.id;
});
afterAll(async () => {
  await cli?.dispose();
  await sandbox?.close();
});

interface ApplyJson {
  schema: string;
  tenantId: string;
  appId: string;
  organization: string;
  changed: boolean;
  certificate: { thumbprint: string; cerPath: string; keyPath: string };
  connectionFile: string;
}

/** The one JSON document a --json run printed: exactly one line, parsed strictly. */
function onlyDocument(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split("\n");
  expect(lines, stdout).toHaveLength(1);
  return parseStrictJson(lines[0]!) as Record<string, unknown>;
}

const appsNamed = (name: string) => sandbox.fake.tenant(tenantId).applications().filter((a) => a.displayName === name);

describe("CLI lifecycle against a sandbox (child process, device-code sign-in)", () => {
  let applied: ApplyJson;
  const outDir = () => join(cli.cwd, "entra-onboard-out", tenantId);

  it("plan --detailed-exitcode exits 3 on a fresh tenant and writes nothing", async () => {
    const before = sandbox.fake.requests.length;
    const r = await cli.run(["plan", "--detailed-exitcode", ...target]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toContain("+ create application Xops-App");
    // The new app's API permissions are listed by name, not by id.
    expect(r.stdout).toMatch(/API permissions:\s+Office 365 Exchange Online \/ Exchange\.ManageAsApp/);
    expect(r.stdout).toContain("Microsoft Graph / AccessReview.Read.All");
    expect(r.stdout).not.toContain("dc50a0fb");
    expect(sandbox.fake.stats(before).writes).toBe(0);
    expect(appsNamed("Xops-App")).toHaveLength(0);
  });

  it("plan --json is one versioned document with the ids next to the names", async () => {
    const r = await cli.run(["plan", "--json", ...target]);
    expect(r.code, r.stderr).toBe(0);
    const doc = onlyDocument(r.stdout) as { schema: string; mode: string; actions: { kind: string; value?: string; appRoleId?: string }[] };
    expect(doc.schema).toBe("entra-onboard/plan/v1");
    expect(doc.mode).toBe("apply");
    expect(doc.actions.find((a) => a.kind === "grant-app-role" && a.value === "Exchange.ManageAsApp")?.appRoleId).toBe("dc50a0fb-09a3-484d-be87-e023b12c6440");
  });

  it("apply --yes --json onboards the tenant and prints one JSON object", async () => {
    const r = await cli.run(["apply", "--yes", "--json", ...target]);
    expect(r.code, r.stderr).toBe(0);
    applied = onlyDocument(r.stdout) as unknown as ApplyJson;
    expect(applied.schema).toBe("entra-onboard/apply/v1");
    expect(applied.tenantId).toBe(tenantId);
    expect(applied.organization).toBe(sandbox.tenants[0]!.initialDomain);
    expect(applied.certificate.thumbprint).toMatch(/^[0-9A-Fa-f]{40}$/);
    expect(applied.changed).toBe(true);

    const apps = appsNamed("Xops-App");
    expect(apps.map((a) => a.appId)).toEqual([applied.appId]);
    expect(sandbox.fake.tenant(tenantId).servicePrincipalByAppId(applied.appId)).toBeDefined();

    const connection = JSON.parse(await readFile(join(outDir(), "connection.json"), "utf8")) as { appId: string; tenantId: string };
    expect(connection.appId).toBe(applied.appId);
    expect(connection.tenantId).toBe(tenantId);
    expect((await stat(applied.certificate.keyPath)).mode & 0o777).toBe(0o600);
    // The thumbprint printed is the one of the certificate written and registered.
    const cert = new X509Certificate(await readFile(applied.certificate.cerPath));
    expect(cert.fingerprint.replaceAll(":", "").toLowerCase()).toBe(applied.certificate.thumbprint.toLowerCase());
    expect(sandbox.fake.tenant(tenantId).keyCredentials(applied.appId).map((k) => k.certificateDer?.toString("hex"))).toContain(cert.raw.toString("hex"));
  });

  it("a re-run changes nothing and makes zero write requests", async () => {
    const before = sandbox.fake.requests.length;
    const r = await cli.run(["apply", "--yes", "--json", ...target]);
    expect(r.code, r.stderr).toBe(0);
    const again = JSON.parse(r.stdout) as ApplyJson;
    expect(again.changed).toBe(false);
    expect(again.appId).toBe(applied.appId);
    expect(sandbox.fake.stats(before).writes).toBe(0);
    expect(appsNamed("Xops-App")).toHaveLength(1);
  });

  it("status exits 0 and plan --detailed-exitcode exits 0 when converged", async () => {
    const status = await cli.run(["status", ...target]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain("In sync");
    const plan = await cli.run(["plan", "--detailed-exitcode", ...target]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain("No changes");
  });

  it("status --json and plan --json on the converged tenant say so in one document each", async () => {
    const status = await cli.run(["status", "--json", ...target]);
    expect(status.code, status.stderr).toBe(0);
    expect(onlyDocument(status.stdout)).toMatchObject({ schema: "entra-onboard/status/v1", inSync: true, actions: [], findings: [] });
  });

  it("--verbose --log-format json: every log line on stderr is one JSON object with unique keys and a numeric level", async () => {
    const r = await cli.run(["status", "--verbose", "--log-format", "json", ...target]);
    expect(r.code, r.stderr).toBe(0);
    // The device-code notice is plain text for the person signing in; every other line is a log entry.
    const logLines = r.stderr.split("\n").filter((l) => l.startsWith("{"));
    const entries = logLines.map((l) => parseStrictJson(l) as { level: unknown; msg: unknown; method?: string; status?: number });
    expect(entries.some((e) => e.msg === "graph request" && e.level === 20 && e.method === "POST" && e.status === 200)).toBe(true);
    for (const e of entries) {
      expect(typeof e.level).toBe("number");
      expect(typeof e.msg).toBe("string");
    }
  });

  it("apply never says 'matches' while it reports drift it leaves alone", async () => {
    const tenant = sandbox.fake.tenant(tenantId);
    const sp = tenant.servicePrincipalByAppId(applied.appId)!;
    const securityReader = tenant.roleDefinitions().find((d) => d.displayName === "Security Reader")!;
    const extra = tenant.addRoleAssignment({ principalId: sp.id, roleDefinitionId: securityReader.id });
    try {
      const r = await cli.run(["apply", "--yes", ...target]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain("extra directory role assigned, not in the profile: Security Reader");
      expect(r.stdout).toContain("No changes made. 1 difference apply leaves alone (see above).");
      expect(r.stdout).not.toMatch(/matches/);
      const plan = await cli.run(["plan", ...target]);
      expect(plan.stdout).toContain("No changes to make. 1 difference apply leaves alone (see above).");
      expect(plan.stdout).not.toMatch(/matches/);
    } finally {
      tenant.roles.delete(extra.id);
    }
  });

  it("apply --verify --json prints ONE document, with the verify report inside", async () => {
    const r = await cli.run(["apply", "--yes", "--verify", "--json", ...target]);
    expect(r.code, r.stderr).toBe(0);
    const doc = onlyDocument(r.stdout) as { schema: string; appId: string; verify: { ok: boolean; checks: { name: string; ok: boolean }[] } };
    expect(doc.schema).toBe("entra-onboard/apply/v1");
    expect(doc.appId).toBe(applied.appId);
    expect(doc.verify.ok).toBe(true);
    expect(doc.verify.checks.length).toBeGreaterThan(0);
  });

  it("verify signs in as the app with the certificate in --out and passes", async () => {
    const r = await cli.run(["verify", "--out", outDir(), ...target]);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain("All checks passed");
    expect(r.stdout).not.toContain("FAIL");
  });

  it("status exits 3 and names the missing consent after a grant is removed in the tenant", async () => {
    const tenant = sandbox.fake.tenant(tenantId);
    const sp = tenant.servicePrincipalByAppId(applied.appId)!;
    const grants = tenant.appRoleAssignmentsFor(sp.id);
    expect(grants).toHaveLength(2);
    tenant.grants.delete(grants[0]!.id);
    const r = await cli.run(["status", ...target]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toContain("grant admin consent");
  });

  it("verify fails with AADSTS700027 when --out holds a foreign certificate and key", async () => {
    const foreignPem = await readFile(join(CERTS, "foreign.pem"), "utf8");
    await writeFile(applied.certificate.cerPath, new X509Certificate(foreignPem).raw);
    await writeFile(applied.certificate.keyPath, await readFile(join(CERTS, "foreign.key.pem")), { mode: 0o600 });
    const r = await cli.run(["verify", "--out", outDir(), "--wait-seconds", "0", ...target]);
    expect(r.code).toBe(1);
    expect(`${r.stdout}${r.stderr}`).toContain("AADSTS700027");
    const json = await cli.run(["verify", "--json", "--out", outDir(), "--wait-seconds", "0", ...target]);
    expect(json.code).toBe(1);
    const doc = onlyDocument(json.stdout) as { schema: string; ok: boolean; checks: { ok: boolean; detail: string }[] };
    expect(doc).toMatchObject({ schema: "entra-onboard/verify/v1", ok: false });
    expect(doc.checks.find((c) => !c.ok)?.detail).toContain("AADSTS700027");
  });

  it("plan --destroy and remove --dry-run list what would be deleted, by name, and delete nothing", async () => {
    const before = sandbox.fake.requests.length;
    const preview = await cli.run(["plan", "--destroy", "--detailed-exitcode", ...target]);
    expect(preview.code, preview.stderr).toBe(3);
    expect(preview.stdout).toContain(`- delete application Xops-App (appId ${applied.appId})`);
    // One of the two grants was revoked above; the other is listed by name.
    expect(preview.stdout).toMatch(/admin consent:\s+(Office 365 Exchange Online \/ Exchange\.ManageAsApp|Microsoft Graph \/ AccessReview\.Read\.All)$/m);
    expect(preview.stdout).toMatch(/directory roles:\s+Global Reader/);
    expect(preview.stdout).toContain("Plan: 0 to add, 0 to change, 1 to destroy.");
    const dry = await cli.run(["remove", "--dry-run", "--json", ...target]);
    expect(dry.code, dry.stderr).toBe(0);
    const doc = onlyDocument(dry.stdout) as { schema: string; dryRun: boolean; removed: unknown; plan: { actions: { kind: string; appId: string }[] } };
    expect(doc).toMatchObject({ schema: "entra-onboard/remove/v1", dryRun: true, removed: null });
    expect(doc.plan.actions).toEqual([expect.objectContaining({ kind: "delete-application", appId: applied.appId })]);
    expect(sandbox.fake.stats(before).writes).toBe(0);
    expect(appsNamed("Xops-App")).toHaveLength(1);
  });

  it("remove --yes deletes the app, and a second remove has nothing to remove", async () => {
    const r = await cli.run(["remove", "--yes", "--json", ...target]);
    expect(r.code, r.stderr).toBe(0);
    expect(onlyDocument(r.stdout)).toMatchObject({ schema: "entra-onboard/remove/v1", dryRun: false, removed: { appId: applied.appId } });
    // The destroy plan was shown (on stderr) before the delete.
    expect(r.stderr).toContain("- delete application Xops-App");
    expect(appsNamed("Xops-App")).toHaveLength(0);
    expect(sandbox.fake.tenant(tenantId).servicePrincipalByAppId(applied.appId)).toBeUndefined();
    const again = await cli.run(["remove", "--yes", ...target]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("Nothing to remove");
  });

  it("never printed a token or key material in any of the runs above", async () => {
    expect(cli.results.length).toBeGreaterThanOrEqual(17);
    // The sandbox's tokens are JWTs, so a leaked one would show as "eyJ…"; check that premise too.
    const { DeviceCodeCredential } = await import("@azure/identity");
    const credential = new DeviceCodeCredential({
      tenantId,
      clientId: "14d82eec-204b-4c2f-b7e8-296a70dab67e",
      authorityHost: sandbox.authorityHost,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: sandbox.caPem },
      userPromptCallback: () => undefined,
    });
    const token = await credential.getToken("https://graph.microsoft.com/Application.ReadWrite.All");
    expect(token.token.startsWith("eyJ")).toBe(true);
    const output = cli.allOutput();
    expect(output).not.toContain(token.token.slice(-40));
    expect(leakedSecrets(output)).toEqual([]);
  });
});
