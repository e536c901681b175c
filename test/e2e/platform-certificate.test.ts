/**
 * The platform's own certificate, as its documents describe it: the platform generates the key
 * pair and the admin uploads its certificate. `--no-certificate` does everything else; a later
 * `--certificate` attaches the platform's; from then on the certificate is the connection's own
 * (status in sync, a plain re-run keeps it), while a certificate nobody gave entra-onboard is drift.
 */
import { randomUUID } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSelfSignedCertificate } from "../../src/cert/generate.js";
import { apply, plan, status } from "../../src/core/pipeline.js";
import { createHarness } from "../support/harness.js";
import { ACCESS_REVIEW, EXCHANGE_MANAGE, FOREIGN_THUMBPRINT, expectXopsConverged, fixture, stateOf, useFakeTenantSuite, type Harness } from "./helpers.js";

const { msw, dirs } = useFakeTenantSuite();
const DAY = 86_400_000;

/** Plays the platform: a key pair made outside entra-onboard; the tool gets only the .cer. */
async function platformCertificate(h: Harness, dir: string, days = 730) {
  const notBefore = new Date(h.clock.now() - 60_000);
  const cert = await createSelfSignedCertificate({ commonName: "Xops platform", keySizeBits: 2048, notBefore, notAfter: new Date(notBefore.getTime() + days * DAY) });
  const path = join(dir, "xops-platform.cer");
  await writeFile(path, cert.der);
  return { cert, path };
}

const savedConnection = async (out: string) => JSON.parse(await readFile(join(out, "connection.json"), "utf8"));

describe("the platform's certificate", () => {
  it("--no-certificate does everything else; --certificate then attaches the platform's; status is in sync and a plain re-run keeps it", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const elsewhere = await dirs.make();

    const first = await apply(h.session(), { outDir: out, noCertificate: true });
    const s = stateOf(h);
    expect(s.grants).toEqual([ACCESS_REVIEW, EXCHANGE_MANAGE].sort());
    expect(s.roles).toEqual(["Global Reader"]);
    expect(s.thumbprints).toEqual([]);
    expect(first.connection.certificate).toBeNull();
    expect(await readdir(out)).toEqual(["connection.json"]);
    // Without the certificate the connection is not complete: a plain status says so.
    expect((await status(h.session(), { outDir: out })).plan.actions.map((a) => a.kind)).toEqual(["add-certificate"]);

    const { cert, path } = await platformCertificate(h, elsewhere);
    const second = await apply(h.session(), { outDir: out, certificate: path });
    expect(expectXopsConverged(h).thumbprints).toEqual([cert.thumbprint]);
    expect(second.connection.certificate).toMatchObject({ thumbprint: cert.thumbprint, source: "brought", cerPath: path });
    expect(second.connection.certificate?.keyPath).toBeUndefined();

    const checked = await status(h.session(), { outDir: out });
    expect(checked.inSync).toBe(true);
    expect(checked.plan.certificate).toMatchObject({ state: "present", thumbprint: cert.thumbprint, source: "brought" });

    const before = h.fake.requests.length;
    const again = await apply(h.session(), { outDir: out });
    expect(again.changed).toBe(false);
    expect(h.fake.stats(before).writes).toBe(0);
    expect(again.connection.certificate).toMatchObject({ thumbprint: cert.thumbprint, source: "brought", cerPath: path });
    const saved = await savedConnection(out);
    expect(saved.certificate).toMatchObject({ thumbprint: cert.thumbprint, source: "brought", notAfter: cert.notAfter.toISOString() });
    expect(saved.managed.certificates).toEqual([cert.thumbprint]);
    // Nothing was generated along the way.
    expect((await readdir(out)).filter((f) => /key|\.cer$|\.pem$/.test(f))).toEqual([]);
  });

  it("a certificate nobody gave entra-onboard, added next to the connection's, is drift that names it", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const { path } = await platformCertificate(h, out);
    await apply(h.session(), { outDir: out, certificate: path });
    const app = h.tenant.applications()[0]!;
    const foreign = await readFile(fixture("foreign.pem"));
    const der = Buffer.from(foreign.toString("utf8").replace(/-----[^-]+-----|\s/g, ""), "base64");
    const listed = h.tenant.apps.truth(app.id)!.keyCredentials;
    h.tenant.apps.put(
      {
        ...h.tenant.apps.truth(app.id)!,
        keyCredentials: [
          ...listed,
          { customKeyIdentifier: FOREIGN_THUMBPRINT, displayName: "someone", startDateTime: "2025-01-01T00:00:00Z", endDateTime: "2027-01-01T00:00:00Z", key: der.toString("base64"), keyId: randomUUID(), type: "AsymmetricX509Cert", usage: "Verify" },
        ],
      },
      h.clock.now(),
    );
    const checked = await status(h.session(), { outDir: out });
    expect(checked.inSync).toBe(false);
    expect(checked.plan.actions).toEqual([]);
    expect(checked.plan.findings).toEqual([expect.objectContaining({ kind: "foreign-certificates", message: expect.stringContaining(FOREIGN_THUMBPRINT) })]);
  });
});

describe("a platform certificate uploaded by hand, then named with --certificate", () => {
  it("becomes the connection's and stays it on plain re-runs, although a generated key is still in --out", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const generated = (await apply(h.session(), { outDir: out })).connection.certificate!.thumbprint;
    const { cert, path } = await platformCertificate(h, await dirs.make());
    // The admin follows the vendor's document and uploads the platform's certificate in the portal.
    const app = h.tenant.applications()[0]!;
    const truth = h.tenant.apps.truth(app.id)!;
    const entry = { customKeyIdentifier: cert.thumbprint, displayName: "CN=Xops platform", startDateTime: cert.notBefore.toISOString(), endDateTime: cert.notAfter.toISOString(), key: Buffer.from(cert.der).toString("base64"), keyId: randomUUID(), type: "AsymmetricX509Cert", usage: "Verify" };
    h.tenant.apps.put({ ...truth, keyCredentials: [...truth.keyCredentials, entry] }, h.clock.now());
    expect((await status(h.session(), { outDir: out })).plan.findings.map((f) => f.kind)).toEqual(["foreign-certificates"]);

    const named = await apply(h.session(), { outDir: out, certificate: path });
    expect(named.changed).toBe(false);
    expect(named.connection.certificate).toMatchObject({ thumbprint: cert.thumbprint, source: "brought" });
    for (let run = 0; run < 2; run++) {
      const plain = await apply(h.session(), { outDir: out });
      expect(plain.changed).toBe(false);
      expect(plain.connection.certificate?.thumbprint).toBe(cert.thumbprint);
    }
    const checked = await status(h.session(), { outDir: out });
    expect(checked.inSync).toBe(true);
    expect(checked.plan.unchanged).toEqual(expect.arrayContaining([`certificate ${generated} (an earlier one of entra-onboard's, kept until retired)`]));
    // It was not entra-onboard that added it: remove would not take it back.
    expect((await savedConnection(out)).managed.certificates).toEqual([generated]);
  });
});

describe("the platform's flow in one run (an interactive caller answers which certificate)", () => {
  it("asks after the app, consent and role are in place, with the form's values; the answer is attached; a re-run does not ask", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const { cert, path } = await platformCertificate(h, await dirs.make());
    const asked: unknown[] = [];
    const result = await apply(h.session(), {
      outDir: out,
      chooseCertificate: async (form) => {
        asked.push(form);
        // By now everything but the certificate is in the tenant.
        const s = stateOf(h);
        expect(s.grants).toEqual([ACCESS_REVIEW, EXCHANGE_MANAGE].sort());
        expect(s.roles).toEqual(["Global Reader"]);
        expect(s.thumbprints).toEqual([]);
        return { certificate: path };
      },
    });
    const s = expectXopsConverged(h);
    expect(asked).toEqual([{ friendlyName: "Contoso - Xops-App", tenantId: h.tenantId, appId: s.appId, organization: "contoso.onmicrosoft.com" }]);
    expect(s.thumbprints).toEqual([cert.thumbprint]);
    expect(result.connection.certificate).toMatchObject({ thumbprint: cert.thumbprint, source: "brought" });
    // The plan shown for confirmation left the certificate for later.
    expect(result.plan.actions.map((a) => a.kind)).not.toContain("add-certificate");

    const again = await apply(h.session(), { outDir: out, chooseCertificate: async () => expect.fail("asked again") });
    expect(again.changed).toBe(false);
  });

  it("Enter (generate) makes the key pair here, as a default run would", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const result = await apply(h.session(), { outDir: out, chooseCertificate: async () => ({ generate: true }) });
    expect(expectXopsConverged(h).thumbprints).toEqual([result.connection.certificate?.thumbprint]);
    expect(result.connection.certificate?.keyPath).toBe(join(out, "private-key.pem"));
  });

  it("a certificate option or an existing certificate means no question", async () => {
    const h = createHarness(msw.server);
    const { path } = await platformCertificate(h, await dirs.make());
    const never = async () => expect.fail("must not ask");
    await apply(h.session(), { outDir: await dirs.make(), certificate: path, chooseCertificate: never });
    await apply(h.session(), { outDir: await dirs.make(), noCertificate: true, chooseCertificate: never });
  });
});

describe("expiry", () => {
  it("the platform's certificate: status is drift within the warning window and after expiry, naming the date; never 'in 0 days'", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const { cert, path } = await platformCertificate(h, out, 60);
    await apply(h.session(), { outDir: out, certificate: path });
    const day = cert.notAfter.toISOString().slice(0, 10);
    expect((await status(h.session(), { outDir: out })).inSync).toBe(true);

    h.clock.advance(48 * DAY);
    const soon = await status(h.session(), { outDir: out });
    expect(soon.inSync).toBe(false);
    expect(soon.plan.actions).toEqual([]);
    expect(soon.plan.findings).toEqual([
      expect.objectContaining({ kind: "certificate-expiring", message: expect.stringContaining(`expires on ${day} (in 12 days): get a new certificate from the platform`) }),
    ]);
    // A shorter window is in sync again; a longer one was already drift.
    expect((await status(h.session(), { outDir: out, expiryWarningDays: 7 })).inSync).toBe(true);

    h.clock.advance(14 * DAY);
    const expired = await status(h.session(), { outDir: out });
    expect(expired.plan.findings.map((f) => f.message).join()).toContain(`expired on ${day} (2 days ago)`);
    expect(JSON.stringify(expired.plan)).not.toMatch(/in -?\d+ days?\)|in 0 days/);
  });

  it("a generated certificate: plan shows the renewal, apply adds a new one next to it and keeps the old key in previous/", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const first = await apply(h.session(), { outDir: out, validityDays: 40 });
    const old = first.connection.certificate!.thumbprint;

    h.clock.advance(20 * DAY);
    const planned = await plan(h.session(), { outDir: out });
    const renewal = planned.plan.actions.find((a) => a.kind === "add-certificate");
    expect(renewal).toMatchObject({ source: "generate", renews: { thumbprint: old, expiry: expect.stringMatching(/^expires on \d{4}-\d\d-\d\d \(in 20 days\)$/) } });
    expect((await status(h.session(), { outDir: out })).inSync).toBe(false);

    const renewed = await apply(h.session(), { outDir: out, validityDays: 40 });
    const fresh = renewed.connection.certificate!.thumbprint;
    expect(fresh).not.toBe(old);
    expect(stateOf(h).thumbprints.sort()).toEqual([old, fresh].sort());
    expect(renewed.connection.certificate?.keyPath).toBe(join(out, "private-key.pem"));
    expect((await readdir(join(out, "previous", old))).sort()).toEqual(["certificate.cer", "certificate.pem", "private-key.pem"]);
    expect((await savedConnection(out)).managed.certificates).toEqual([old, fresh]);
    const after = await status(h.session(), { outDir: out });
    expect(after.inSync).toBe(true);
    expect(after.plan.unchanged).toEqual(expect.arrayContaining([`certificate ${old} (an earlier one of entra-onboard's, kept until retired)`]));
  });
});
