/**
 * rotate through the real CLI process against a sandbox started here: the old certificate stays
 * until retired, verify passes with the new key, a plain rotate proves the new key and retires the
 * one before, and a certificate entra-onboard did not add is retired only when named and confirmed.
 */
import { randomUUID, X509Certificate } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { CERTS, CliRunner, errorLines, jsonDocumentOf, leakedSecrets, sandboxArgs, thumbprintsOn } from "./helpers.js";

let sandbox: Sandbox;
let cli: CliRunner;
let target: string[];
let tenantId: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  cli = await CliRunner.create("eo-cli-rotate-");
  target = await sandboxArgs(sandbox, cli.cwd);
  tenantId = sandbox.tenants[0]!.id;
});
afterAll(async () => {
  await cli?.dispose();
  await sandbox?.close();
});

const tenant = () => sandbox.fake.tenant(tenantId);
const thumbprintsOf = (appId: string) => thumbprintsOn(sandbox, tenantId, appId);
const document = jsonDocumentOf;

describe("rotate (child process, sandbox)", () => {
  let appId: string;
  let first: string;
  let second: string;
  let out: string;
  let args: string[];
  beforeAll(() => {
    out = join(cli.cwd, "Rotate-App");
    args = ["--name", "Rotate-App", "--out", out, ...target];
  });

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
    foreign.customKeyIdentifier = new X509Certificate(foreignPem).fingerprint.replaceAll(":", "");
    tenant().apps.put({ ...truth, keyCredentials: [...truth.keyCredentials, foreign] }, Date.now());

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
  });

  it("never printed a token or key material", () => {
    expect(leakedSecrets(cli.allOutput())).toEqual([]);
  });
});
