/**
 * A certificate's credential carries the certificate's own dates, however long it is valid, and a
 * tenant whose app management policy caps certificate lifetimes refuses it with Graph's own reason:
 * the run says so and how to proceed, and nothing of that certificate is left behind.
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSelfSignedCertificate } from "../../src/cert/generate.js";
import { apply, plan } from "../../src/core/pipeline.js";
import { CertificateRefusedError } from "../../src/shared/errors.js";
import { createHarness } from "../support/harness.js";
import { ACCESS_REVIEW, EXCHANGE_MANAGE, expectXopsConverged, stateOf, useFakeTenantSuite, type Harness } from "./helpers.js";

const { msw, dirs } = useFakeTenantSuite();
const DAY = 86_400_000;

/** A tenant whose app management policy allows certificates at most `maxLifetime` (ISO 8601). */
const capped = (maxLifetime: string) => ({
  tenants: [{ displayName: "Contoso", initialDomain: "contoso.onmicrosoft.com", appManagementPolicy: { isEnabled: true, id: "5c4e0b8e-policy", keyCredentials: [{ restrictionType: "asymmetricKeyLifetime" as const, maxLifetime }] } }],
});

/** The credential on the app as the fake tenant stores it. */
const stored = (h: Harness) => h.tenant.keyCredentials(stateOf(h).appId);

/** A certificate made outside the tool (the platform's), valid for `days` from a minute ago; only its .cer is written. */
async function platformCertificate(h: Harness, dir: string, days: number) {
  const notBefore = new Date(h.clock.now() - 60_000);
  const cert = await createSelfSignedCertificate({ commonName: "Xops platform", keySizeBits: 2048, notBefore, notAfter: new Date(notBefore.getTime() + days * DAY) });
  const path = join(dir, `platform-${days}.cer`);
  await writeFile(path, cert.der);
  return { cert, path };
}

describe("certificate dates", () => {
  it("a generated certificate valid for three years is attached with its own dates", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const result = await apply(h.session(), { outDir: out, validityDays: 1095 });
    expectXopsConverged(h);
    const [credential] = stored(h);
    const certificate = result.connection.certificate;
    expect(credential?.customKeyIdentifier).toBe(certificate?.thumbprint);
    expect(Date.parse(credential!.startDateTime)).toBe(Date.parse(certificate!.notBefore!));
    expect(Date.parse(credential!.endDateTime)).toBe(Date.parse(certificate!.notAfter!));
    expect(Date.parse(credential!.endDateTime) - Date.parse(credential!.startDateTime)).toBe(1095 * DAY);
  });

  it("a brought certificate valid for three years is attached with its own dates, recorded as brought", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const { cert, path } = await platformCertificate(h, out, 1095);
    await apply(h.session(), { outDir: out, certificate: path });
    const [credential] = stored(h);
    expect(credential?.customKeyIdentifier).toBe(cert.thumbprint);
    expect(Date.parse(credential!.startDateTime)).toBe(cert.notBefore.getTime());
    expect(Date.parse(credential!.endDateTime)).toBe(cert.notAfter.getTime());
    const saved = JSON.parse(await readFile(join(out, "connection.json"), "utf8"));
    expect(saved.managed.certificateDetails).toEqual([{ thumbprint: cert.thumbprint, source: "brought", notBefore: cert.notBefore.toISOString(), notAfter: cert.notAfter.toISOString() }]);
  });
});

describe("a tenant policy that caps certificate lifetimes", () => {
  it("refuses a generated three-year certificate with Graph's reason and what to do; nothing of it is kept, the rest is done; a shorter one then goes on", async () => {
    const h = createHarness(msw.server, capped("P365D"));
    const out = await dirs.make();
    const error = await apply(h.session(), { outDir: out, validityDays: 1095 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CertificateRefusedError);
    const message = (error as Error).message;
    expect(message).toContain("400 CredentialInvalidLifetimeAsPerAppPolicy: Credential lifetime exceeds the max value allowed as per assigned policy '5c4e0b8e-policy'.");
    expect(message).toMatch(/valid 1095 days/);
    expect(message).toMatch(/exemption/);
    expect(message).toMatch(/--validity-days/);
    // No credential, no key, no record of it; consent and role are in place as with --no-certificate.
    const s = stateOf(h);
    expect(s.thumbprints).toEqual([]);
    expect(s.grants).toEqual([ACCESS_REVIEW, EXCHANGE_MANAGE].sort());
    expect(s.roles).toEqual(["Global Reader"]);
    expect(existsSync(join(out, "private-key.pem"))).toBe(false);
    expect(existsSync(join(out, "certificate.cer"))).toBe(false);
    const saved = JSON.parse(await readFile(join(out, "connection.json"), "utf8"));
    expect(saved.managed.certificates).toEqual([]);
    expect(saved.managed.certificateDetails).toEqual([]);

    // The plan still asks for a certificate, and one within the policy goes on.
    expect((await plan(h.session(), { outDir: out })).plan.actions.map((a) => a.kind)).toEqual(["add-certificate"]);
    const result = await apply(h.session(), { outDir: out, validityDays: 365 });
    expect(expectXopsConverged(h).thumbprints).toEqual([result.connection.certificate?.thumbprint]);
  });

  it("refuses a brought certificate that is too long, pointing at the platform; nothing is recorded", async () => {
    const h = createHarness(msw.server, capped("P180D"));
    const out = await dirs.make();
    const { path } = await platformCertificate(h, out, 365);
    const error = await apply(h.session(), { outDir: out, certificate: path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CertificateRefusedError);
    expect((error as Error).message).toMatch(/CredentialInvalidLifetimeAsPerAppPolicy.*ask it for a shorter-lived one/);
    expect(stateOf(h).thumbprints).toEqual([]);
    const saved = JSON.parse(await readFile(join(out, "connection.json"), "utf8"));
    expect(saved.managed.certificates).toEqual([]);
    expect(saved.certificate ?? null).toBeNull();
  });
});
