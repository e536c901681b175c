/**
 * A certificate's life through the real CLI process against a sandbox started here: the platform's
 * flow (--no-certificate, then the platform's certificate, verified with the platform's key), a
 * brought certificate that expires soon, rotation (old kept until retired, verify with the new key,
 * a certificate entra-onboard did not add), and the PFX export.
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { createSecureContext } from "node:tls";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSelfSignedCertificate } from "../../src/cert/generate.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { parseStrictJson } from "../support/strict-json.js";
import { CERTS, CliRunner, errorLines, leakedSecrets, sandboxArgs } from "./helpers.js";

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

const tenant = () => sandbox.fake.tenant(tenantId);
const thumbprintsOf = (appId: string) => tenant().keyCredentials(appId).map((k) => (k.customKeyIdentifier ?? "").toUpperCase()).sort();
const document = (stdout: string) => parseStrictJson(stdout.trim()) as Record<string, any>;

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
    const incomplete = await cli.run(["status", ...args]);
    expect(incomplete.code, incomplete.stderr).toBe(3);

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
    const shorter = await cli.run(["status", "--expiry-warning-days", "5", ...args]);
    expect(shorter.code, shorter.stdout).toBe(0);
  });
});

describe("rotate (child process)", () => {
  let appId: string;
  let first: string;
  let second: string;
  let out: string;
  let args: string[];
  beforeAll(() => ({ out, args } = scenario("Rotate-App")));

  it("--no-verify: the new certificate goes on next to the old one, which stays; verify passes with the new key", async () => {
    const applied = await cli.run(["apply", "--yes", "--json", ...args]);
    expect(applied.code, applied.stderr).toBe(0);
    ({ appId } = document(applied.stdout));
    first = document(applied.stdout).certificate.thumbprint;

    const dry = await cli.run(["rotate", "--dry-run", ...args]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/\+ add certificate \(generated: RSA 2048, 365 days, SHA-256\)/);
    expect(dry.stdout).toMatch(new RegExp(`takes over from:\\s+${first} \\(kept until the new one is verified or retired with --retire\\)`));
    expect(thumbprintsOf(appId)).toEqual([first]);

    const rotated = await cli.run(["rotate", "--yes", "--no-verify", "--json", ...args]);
    expect(rotated.code, rotated.stderr).toBe(0);
    const doc = document(rotated.stdout);
    expect(doc).toMatchObject({ schema: "entra-onboard/rotate/v1", dryRun: false, kept: [first], retired: [], proven: null });
    second = doc.added;
    expect(thumbprintsOf(appId)).toEqual([first, second].sort());
    expect(existsSync(join(out, "previous", first, "private-key.pem"))).toBe(true);

    const verified = await cli.run(["verify", "--out", out, ...target]);
    expect(verified.code, `${verified.stdout}\n${verified.stderr}`).toBe(0);
    expect(verified.stderr).toContain(`with certificate ${second}`);
  });

  it("--retire takes the old one off and deletes its files; a plain rotate verifies the new key and retires the one before", async () => {
    const retired = await cli.run(["rotate", "--yes", "--retire", first, ...args]);
    expect(retired.code, retired.stderr).toBe(0);
    expect(retired.stdout).toContain(`Retired (taken off the app, their files in --out deleted): ${first}`);
    expect(thumbprintsOf(appId)).toEqual([second]);
    expect(existsSync(join(out, "previous"))).toBe(false);

    const proven = await cli.run(["rotate", "--yes", "--json", ...args]);
    expect(proven.code, proven.stderr).toBe(0);
    const doc = document(proven.stdout);
    expect(doc).toMatchObject({ proven: true, retired: [second], kept: [], verify: { ok: true } });
    expect(thumbprintsOf(appId)).toEqual([doc.added]);
  });

  it("a certificate entra-onboard did not add is retired only when named and confirmed", async () => {
    const foreignPem = await readFile(join(CERTS, "foreign.pem"), "utf8");
    const app = tenant().applicationByAppId(appId)!;
    const truth = tenant().apps.truth(app.id)!;
    const foreign = { customKeyIdentifier: "", displayName: "by hand", startDateTime: "2025-01-01T00:00:00Z", endDateTime: "2098-01-01T00:00:00Z", key: foreignPem.replace(/-----[^-]+-----|\s/g, ""), keyId: randomUUID(), type: "AsymmetricX509Cert", usage: "Verify" };
    const { X509Certificate } = await import("node:crypto");
    foreign.customKeyIdentifier = new X509Certificate(foreignPem).fingerprint.replaceAll(":", "");
    tenant().apps.put({ ...truth, keyCredentials: [...truth.keyCredentials, foreign] }, Date.now());

    const status = await cli.run(["status", ...args]);
    expect(status.code).toBe(3);
    expect(status.stdout).toContain(`entra-onboard neither made nor was given (${foreign.customKeyIdentifier})`);

    const before = sandbox.fake.requests.length;
    const unconfirmed = await cli.run(["rotate", "--retire", foreign.customKeyIdentifier, ...args]);
    expect(unconfirmed.code).toBe(2);
    expect(errorLines(unconfirmed.stderr)).toHaveLength(1);
    const dry = await cli.run(["rotate", "--dry-run", "--retire", foreign.customKeyIdentifier, ...args]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`- retire certificate ${foreign.customKeyIdentifier} [NOT added by entra-onboard: named with --retire]`);
    expect(sandbox.fake.stats(before).writes).toBe(0);
    expect(thumbprintsOf(appId)).toContain(foreign.customKeyIdentifier);

    const confirmed = await cli.run(["rotate", "--yes", "--retire", foreign.customKeyIdentifier, ...args]);
    expect(confirmed.code, confirmed.stderr).toBe(0);
    expect(thumbprintsOf(appId)).not.toContain(foreign.customKeyIdentifier);
    expect((await cli.run(["status", ...args])).code).toBe(0);
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
