/**
 * A certificate's life through the real CLI process against a sandbox started here: the platform's
 * flow (--no-certificate, then the platform's certificate, verified with the platform's key), a
 * brought certificate that expires soon, and the PFX export. Rotation: rotate.test.ts.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { createSecureContext } from "node:tls";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSelfSignedCertificate } from "../../src/cert/generate.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { CERTS, CliRunner, errorLines, jsonDocumentOf, leakedSecrets, sandboxArgs, thumbprintsOn } from "./helpers.js";

let sandbox: Sandbox;
let cli: CliRunner;
let target: string[];
let tenantId: string;
const DAY = 86_400_000;

beforeAll(async () => {
  sandbox = await startSandbox();
  cli = await CliRunner.create("eo-cli-cert-");
  target = await sandboxArgs(sandbox, cli.cwd);
  tenantId = sandbox.tenants[0]!.id;
});
afterAll(async () => {
  await cli?.dispose();
  await sandbox?.close();
});

const thumbprintsOf = (appId: string) => thumbprintsOn(sandbox, tenantId, appId);
const document = jsonDocumentOf;

/** One onboarding per scenario: its own app name and --out. */
function scenario(name: string) {
  const out = join(cli.cwd, name);
  return { out, args: ["--name", name, "--out", out, ...target] };
}

/** Plays the platform: makes a key pair, hands entra-onboard only the .cer, keeps the key. */
async function platformKeyPair(name: string, days: number) {
  const dir = join(cli.cwd, `${name}-platform`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const notBefore = new Date(Date.now() - 60_000);
  const cert = await createSelfSignedCertificate({ commonName: `${name} platform`, keySizeBits: 2048, notBefore, notAfter: new Date(notBefore.getTime() + days * DAY) });
  const cerPath = join(dir, "platform.cer");
  await writeFile(cerPath, cert.der);
  return { cert, dir, cerPath };
}

describe("the platform's flow (child process)", () => {
  it("--no-certificate, then --certificate: status exits 0, a plain re-run keeps it, and verify passes with the platform's key", async () => {
    const { out, args } = scenario("Platform-App");
    const first = await cli.run(["apply", "--yes", "--no-certificate", "--json", ...args]);
    expect(first.code, first.stderr).toBe(0);
    const onboarded = document(first.stdout);
    expect(onboarded.certificate).toBeNull();
    expect(thumbprintsOf(onboarded.appId)).toEqual([]);

    const platform = await platformKeyPair("Platform-App", 730);
    const attached = await cli.run(["apply", "--yes", "--certificate", platform.cerPath, ...args]);
    expect(attached.code, attached.stderr).toBe(0);
    expect(attached.stdout).toContain(`Thumbprint (SHA-1): ${platform.cert.thumbprint}`);
    expect(attached.stdout).toContain("the platform holds its key");
    expect(thumbprintsOf(onboarded.appId)).toEqual([platform.cert.thumbprint]);

    const status = await cli.run(["status", ...args]);
    expect(status.code, `${status.stdout}\n${status.stderr}`).toBe(0);
    expect(status.stdout).toContain("In sync");

    const before = sandbox.fake.requests.length;
    const again = await cli.run(["apply", "--yes", "--json", ...args]);
    expect(again.code, again.stderr).toBe(0);
    expect(document(again.stdout)).toMatchObject({ changed: false, certificate: { thumbprint: platform.cert.thumbprint, source: "brought" } });
    expect(sandbox.fake.stats(before).writes).toBe(0);
    const saved = JSON.parse(await readFile(join(out, "connection.json"), "utf8"));
    expect(saved.certificate.thumbprint).toBe(platform.cert.thumbprint);

    // The platform signs in with the key it kept: an --out of its own with that key passes verify.
    await writeFile(join(platform.dir, "certificate.cer"), platform.cert.der);
    await writeFile(join(platform.dir, "private-key.pem"), platform.cert.privateKeyPem, { mode: 0o600 });
    await writeFile(join(platform.dir, "connection.json"), JSON.stringify({ ...saved, certificate: { thumbprint: platform.cert.thumbprint, keyPath: join(platform.dir, "private-key.pem") } }));
    const verified = await cli.run(["verify", "--out", platform.dir, ...target]);
    expect(verified.code, `${verified.stdout}\n${verified.stderr}`).toBe(0);
    expect(verified.stdout).toContain("All checks passed");
  });

  it("a brought certificate that expires in 10 days: status exits 3 naming the date", async () => {
    const { args } = scenario("Expiry-App");
    const platform = await platformKeyPair("Expiry-App", 10);
    const attached = await cli.run(["apply", "--yes", "--certificate", platform.cerPath, ...args]);
    expect(attached.code, attached.stderr).toBe(0);
    const status = await cli.run(["status", ...args]);
    expect(status.code, status.stdout).toBe(3);
    const day = platform.cert.notAfter.toISOString().slice(0, 10);
    expect(status.stdout).toContain(`the connection's certificate ${platform.cert.thumbprint} expires on ${day} (in 10 days)`);
    expect(status.stdout).toContain("rotate --certificate <file>");
  });
});

const hasOpenssl = spawnSync("openssl", ["version"]).status === 0;

describe("--pfx (child process)", () => {
  const passphrase = "correct horse battery staple";

  it("a missing passphrase is exit 2 before any request; --pfx with a brought certificate is refused", async () => {
    const { args } = scenario("Pfx-App");
    const before = sandbox.fake.requests.length;
    const missing = await cli.run(["apply", "--yes", "--pfx", ...args]);
    expect(missing.code).toBe(2);
    expect(errorLines(missing.stderr)).toEqual([expect.stringContaining("ENTRA_ONBOARD_PFX_PASSPHRASE")]);
    expect(missing.stderr).not.toMatch(/device|signed in/i);
    const brought = await cli.run(["apply", "--yes", "--pfx", "--certificate", join(CERTS, "byo.cer"), ...args], { env: { ENTRA_ONBOARD_PFX_PASSPHRASE: passphrase } });
    expect(brought.code).toBe(2);
    expect(errorLines(brought.stderr)).toEqual([expect.stringContaining("--certificate brings none")]);
    expect(sandbox.fake.requests.length).toBe(before);
    expect(existsSync(join(cli.cwd, "Pfx-App"))).toBe(false);
  });

  it("apply --pfx writes an encrypted certificate.pfx (0600) that openssl and Node's TLS open with the passphrase, and refuse without it", async () => {
    const { out, args } = scenario("Pfx-App");
    const r = await cli.run(["apply", "--yes", "--pfx", "--json", ...args], { env: { ENTRA_ONBOARD_PFX_PASSPHRASE: passphrase } });
    expect(r.code, r.stderr).toBe(0);
    const doc = document(r.stdout);
    const pfxPath = join(out, "certificate.pfx");
    expect(doc.certificate.pfxPath).toBe(pfxPath);
    expect((await stat(pfxPath)).mode & 0o777).toBe(0o600);
    const pfx = await readFile(pfxPath);
    expect(() => createSecureContext({ pfx, passphrase })).not.toThrow();
    expect(() => createSecureContext({ pfx, passphrase: "wrong" })).toThrow();
    expect(leakedSecrets(cli.allOutput())).toEqual([]);
    expect(cli.allOutput()).not.toContain(passphrase);
  });

  it.skipIf(!hasOpenssl)(`openssl pkcs12 opens it with the passphrase and refuses a wrong one${hasOpenssl ? "" : " (SKIPPED: openssl is not installed)"}`, () => {
    const pfxPath = join(cli.cwd, "Pfx-App", "certificate.pfx");
    const open = spawnSync("openssl", ["pkcs12", "-in", pfxPath, "-info", "-nokeys", "-passin", "env:PFX_PASS"], { env: { ...process.env, PFX_PASS: passphrase }, encoding: "utf8" });
    expect(open.status, open.stderr).toBe(0);
    expect(open.stderr).toMatch(/MAC: sha256/);
    expect(open.stderr).toMatch(/PBES2, PBKDF2, AES-256-CBC/);
    expect(open.stdout).toContain("-----BEGIN CERTIFICATE-----");
    const wrong = spawnSync("openssl", ["pkcs12", "-in", pfxPath, "-info", "-nokeys", "-passin", "pass:wrong"], { encoding: "utf8" });
    expect(wrong.status).not.toBe(0);
  });
});
