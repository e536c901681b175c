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
  tenantId: string;
  appId: string;
  organization: string;
  changed: boolean;
  certificate: { thumbprint: string; cerPath: string; keyPath: string };
  connectionFile: string;
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
    expect(sandbox.fake.stats(before).writes).toBe(0);
    expect(appsNamed("Xops-App")).toHaveLength(0);
  });

  it("apply --yes --json onboards the tenant and prints one JSON object", async () => {
    const r = await cli.run(["apply", "--yes", "--json", ...target]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    applied = JSON.parse(lines[0]!) as ApplyJson;
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
  });

  it("remove --yes deletes the app, and a second remove has nothing to remove", async () => {
    const r = await cli.run(["remove", "--yes", ...target]);
    expect(r.code, r.stderr).toBe(0);
    expect(appsNamed("Xops-App")).toHaveLength(0);
    expect(sandbox.fake.tenant(tenantId).servicePrincipalByAppId(applied.appId)).toBeUndefined();
    const again = await cli.run(["remove", "--yes", ...target]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("Nothing to remove");
  });

  it("never printed a token or key material in any of the runs above", async () => {
    expect(cli.results.length).toBeGreaterThanOrEqual(9);
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
