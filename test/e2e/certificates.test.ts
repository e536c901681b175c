import { X509Certificate, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { writeCertificateFiles } from "../../src/cert/files.js";
import { generateCertificate } from "../../src/cert/generate.js";
import { apply, desiredState, plan } from "../../src/core/pipeline.js";
import { RunRecord } from "../../src/core/run-record.js";
import { uniqueNameFor } from "../../src/core/unique-name.js";
import { DEFAULT_ADMIN_ID } from "../../src/fake/users.js";
import { InputError } from "../../src/shared/errors.js";
import { createHarness } from "../support/harness.js";
import { FOREIGN_THUMBPRINT, expectXopsConverged, fixture, stateOf, type Harness, useFakeTenantSuite } from "./helpers.js";

const { msw, dirs } = useFakeTenantSuite();

const UNIQUE = uniqueNameFor("Xops-App");

/** An app this tool owns (uniqueName + tag + the admin as owner, as apply makes it) with a certificate someone else uploaded. */
async function ownedAppWithForeignCertificate(h: Harness): Promise<string> {
  const der = new X509Certificate(await readFile(fixture("foreign.pem"))).raw;
  const app = h.tenant.addApplication({
    displayName: "Xops-App",
    uniqueName: UNIQUE,
    tags: [`entra-onboard:${UNIQUE}`],
    owners: [DEFAULT_ADMIN_ID],
    signInAudience: "AzureADMyOrg",
    keyCredentials: [
      {
        customKeyIdentifier: FOREIGN_THUMBPRINT,
        displayName: "uploaded by hand",
        startDateTime: "2025-01-01T00:00:00Z",
        endDateTime: "2026-12-31T00:00:00Z",
        key: der.toString("base64"),
        keyId: randomUUID(),
        type: "AsymmetricX509Cert",
        usage: "Verify",
      },
    ],
  });
  return app.appId;
}

describe("certificates on re-runs", () => {
  it("an app with only certificates we do not hold: finding certificate-not-held, nothing added", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const appId = await ownedAppWithForeignCertificate(h);

    const planned = await plan(h.session(), { outDir: out });
    expect(planned.plan.findings.map((f) => f.kind)).toContain("certificate-not-held");
    expect(planned.plan.actions.map((a) => a.kind)).not.toContain("add-certificate");
    expect(planned.inSync).toBe(false);

    const result = await apply(h.session(), { outDir: out });
    expect(h.tenant.keyCredentials(appId).map((k) => k.customKeyIdentifier)).toEqual([FOREIGN_THUMBPRINT]);
    expect(result.connection.certificate).toBeNull();
    expect(result.warnings.join("\n")).toMatch(/add-certificate/);
    // Everything else still converges, and the tool says so without a certificate.
    expect(stateOf(h).grants).toHaveLength(2);
    expect((await plan(h.session(), { outDir: out })).plan.actions).toEqual([]);
  });

  it("addCertificate: ours is appended and the foreign one kept; a re-run adds nothing", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const appId = await ownedAppWithForeignCertificate(h);

    const result = await apply(h.session(), { outDir: out, addCertificate: true });
    const ours = result.connection.certificate?.thumbprint;
    expect(ours).toMatch(/^[0-9A-F]{40}$/);
    expect(h.tenant.keyCredentials(appId).map((k) => k.customKeyIdentifier).sort()).toEqual([FOREIGN_THUMBPRINT, ours].sort());

    const before = h.fake.requests.length;
    const again = await apply(h.session(), { outDir: out, addCertificate: true });
    expect(again.changed).toBe(false);
    expect(h.fake.stats(before).writes).toBe(0);
    expect(h.tenant.keyCredentials(appId)).toHaveLength(2);
    // Ours is the connection's; the one someone else uploaded stays drift (whoever has its key can
    // sign in as the app), named by thumbprint, and apply leaves it alone.
    const after = await plan(h.session(), { outDir: out });
    expect(after.plan.actions).toEqual([]);
    expect(after.plan.certificate).toMatchObject({ state: "present", thumbprint: ours, source: "generated" });
    expect(after.plan.findings).toEqual([expect.objectContaining({ kind: "foreign-certificates", message: expect.stringContaining(FOREIGN_THUMBPRINT) })]);
    expect(after.inSync).toBe(false);
  });

  it("a held certificate missing from the app (crash after the key was written) is added, exactly that one", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const appId = await ownedAppWithForeignCertificate(h);
    const held = await keptAsApplyKeepsIt(h, out);

    const planned = await plan(h.session(), { outDir: out });
    expect(planned.plan.actions).toContainEqual(expect.objectContaining({ kind: "add-certificate", source: "held", thumbprint: held.thumbprint }));

    const result = await apply(h.session(), { outDir: out });
    expect(result.connection.certificate?.thumbprint).toBe(held.thumbprint);
    expect(h.tenant.keyCredentials(appId).map((k) => k.customKeyIdentifier).sort()).toEqual([FOREIGN_THUMBPRINT, held.thumbprint].sort());
  });

  it("a held certificate on a fresh tenant is the one uploaded (no second key generated)", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const held = await keptAsApplyKeepsIt(h, out);

    await apply(h.session(), { outDir: out });
    expect(expectXopsConverged(h).thumbprints).toEqual([held.thumbprint]);
    expect(await readFile(`${out}/private-key.pem`, "utf8")).toBe(held.privateKeyPem);
  });

  it("a key planted in --out without a connection.json that records it is refused (exit 2), never uploaded, nothing written", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const planted = await generateCertificate({ commonName: "Xops-App", keySizeBits: 2048, validityDays: 365, now: new Date(h.clock.now()) });
    await writeCertificateFiles(out, planted);

    for (const run of [() => plan(h.session(), { outDir: out }), () => apply(h.session(), { outDir: out })]) {
      const error = await run().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).exitCode).toBe(2);
      expect((error as Error).message).toMatch(new RegExp(`holds a certificate and private key \\(thumbprint ${planted.thumbprint}\\).*--certificate`));
    }
    expect(h.fake.stats().writes).toBe(0);
    expect(h.tenant.applications()).toEqual([]);
    // Planted next to a real onboarding (a connection.json that does not list it): refused the same way.
    const other = await dirs.make();
    await apply(h.session(), { outDir: other });
    await writeCertificateFiles(other, planted);
    const before = h.fake.requests.length;
    await expect(apply(h.session(), { outDir: other })).rejects.toThrow(/no connection.json there records/);
    expect(h.fake.stats(before).writes).toBe(0);
    expect(stateOf(h).thumbprints).not.toContain(planted.thumbprint);
  });
});

/**
 * A certificate and key in --out as apply leaves them when it stops after writing the key (a crash
 * before the upload): connection.json records the thumbprint first, then the files are written.
 */
async function keptAsApplyKeepsIt(h: Harness, out: string) {
  const held = await generateCertificate({ commonName: "Xops-App", keySizeBits: 2048, validityDays: 365, now: new Date(h.clock.now()) });
  const desired = await desiredState({}, new Date(h.clock.now()));
  await new RunRecord(out, h.tenantId, desired, undefined).noteIntents({ certificates: [held.thumbprint] });
  await writeCertificateFiles(out, held);
  return held;
}
