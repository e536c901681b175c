/**
 * rotate against the fake tenant: a new certificate goes on next to the current one, the old one
 * stays (and its key in previous/) until the new one is proven or the admin retires it, and a
 * certificate entra-onboard did not add is removed only when named and confirmed.
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSelfSignedCertificate } from "../../src/cert/generate.js";
import { apply, rotate, status } from "../../src/core/pipeline.js";
import { AbortedError, InputError } from "../../src/shared/errors.js";
import { createHarness } from "../support/harness.js";
import { FOREIGN_THUMBPRINT, fixture, stateOf, useFakeTenantSuite, type Harness } from "./helpers.js";

const { msw, dirs } = useFakeTenantSuite();
const DAY = 86_400_000;

async function platformCertificate(h: Harness, dir: string, name: string) {
  const notBefore = new Date(h.clock.now() - 60_000);
  const cert = await createSelfSignedCertificate({ commonName: name, keySizeBits: 2048, notBefore, notAfter: new Date(notBefore.getTime() + 365 * DAY) });
  const path = join(dir, `${name}.cer`);
  await writeFile(path, cert.der);
  return { cert, path };
}

const saved = async (out: string) => JSON.parse(await readFile(join(out, "connection.json"), "utf8"));

/** A certificate someone uploaded by hand next to the connection's. */
async function uploadForeign(h: Harness): Promise<void> {
  const app = h.tenant.applications()[0]!;
  const pem = (await readFile(fixture("foreign.pem"), "utf8")).replace(/-----[^-]+-----|\s/g, "");
  const truth = h.tenant.apps.truth(app.id)!;
  const entry = { customKeyIdentifier: FOREIGN_THUMBPRINT, displayName: "by hand", startDateTime: "2025-01-01T00:00:00Z", endDateTime: "2098-01-01T00:00:00Z", key: pem, keyId: randomUUID(), type: "AsymmetricX509Cert", usage: "Verify" };
  h.tenant.apps.put({ ...truth, keyCredentials: [...truth.keyCredentials, entry] }, h.clock.now());
}

describe("rotate", () => {
  it("a generated certificate: the new one goes on next to the old, which stays (key in previous/) until retired; a dry run changes nothing", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const old = (await apply(h.session(), { outDir: out })).connection.certificate!.thumbprint;

    const before = h.fake.requests.length;
    const dry = await rotate(h.session(), { outDir: out, dryRun: true });
    expect(dry.plan.actions).toEqual([expect.objectContaining({ kind: "add-certificate", source: "generate", replaces: [old] })]);
    expect(h.fake.stats(before).writes).toBe(0);

    const rotated = await rotate(h.session(), { outDir: out });
    const fresh = rotated.added!;
    expect(fresh).toMatch(/^[0-9A-F]{40}$/);
    expect(rotated.kept).toEqual([old]);
    expect(rotated.retired).toEqual([]);
    expect(stateOf(h).thumbprints.sort()).toEqual([old, fresh].sort());
    expect(rotated.connection?.certificate).toMatchObject({ thumbprint: fresh, keyPath: join(out, "private-key.pem") });
    expect((await readdir(join(out, "previous", old))).sort()).toEqual(["certificate.cer", "certificate.pem", "private-key.pem"]);
    expect((await saved(out)).managed.certificates).toEqual([old, fresh]);
    expect((await status(h.session(), { outDir: out })).inSync).toBe(true);

    const retired = await rotate(h.session(), { outDir: out, retire: old });
    expect(retired.added).toBeUndefined();
    expect(retired.retired).toEqual([old]);
    expect(stateOf(h).thumbprints).toEqual([fresh]);
    expect(existsSync(join(out, "previous"))).toBe(false);
    expect((await saved(out)).managed.certificates).toEqual([fresh]);
    expect((await saved(out)).certificate.thumbprint).toBe(fresh);
  });

  it("a generated certificate proven by `prove` retires the one it replaces in the same run; a failed proof keeps it", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const old = (await apply(h.session(), { outDir: out })).connection.certificate!.thumbprint;
    const failed = await rotate(h.session(), { outDir: out, prove: async () => ({ ok: false }) });
    expect(failed.proven).toBe(false);
    expect(failed.kept).toEqual([old]);
    expect(stateOf(h).thumbprints).toHaveLength(2);

    const seen: string[] = [];
    const proven = await rotate(h.session(), {
      outDir: out,
      prove: async (connection) => {
        seen.push(connection.certificate?.thumbprint ?? "");
        return { ok: true };
      },
    });
    expect(seen).toEqual([proven.added]);
    // Only the certificate it took over from goes; the earlier unproven one stays, as it was kept.
    expect(proven.retired).toEqual([failed.added]);
    expect(stateOf(h).thumbprints.sort()).toEqual([old, proven.added].sort());
  });

  it("the platform's certificate: rotate --certificate adds the new one, keeps the old until --retire; the generated key moves aside", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const generated = (await apply(h.session(), { outDir: out })).connection.certificate!.thumbprint;
    const { cert, path } = await platformCertificate(h, out, "platform-2");
    const rotated = await rotate(h.session(), { outDir: out, certificate: path });
    expect(rotated.added).toBe(cert.thumbprint);
    expect(rotated.kept).toEqual([generated]);
    expect(rotated.connection?.certificate).toMatchObject({ thumbprint: cert.thumbprint, source: "brought" });
    expect(existsSync(join(out, "private-key.pem"))).toBe(false);
    expect(existsSync(join(out, "previous", generated, "private-key.pem"))).toBe(true);
    const checked = await status(h.session(), { outDir: out });
    expect(checked.inSync).toBe(true);
    expect(checked.plan.certificate).toMatchObject({ thumbprint: cert.thumbprint, source: "brought" });

    await rotate(h.session(), { outDir: out, retire: generated });
    expect(stateOf(h).thumbprints).toEqual([cert.thumbprint]);
    expect(existsSync(join(out, "previous"))).toBe(false);
    expect((await apply(h.session(), { outDir: out })).changed).toBe(false);
  });

  it("refuses to retire the current certificate alone, one not on the app, or one it did not add without confirmation", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const current = (await apply(h.session(), { outDir: out })).connection.certificate!.thumbprint;
    await uploadForeign(h);
    const before = h.fake.requests.length;

    await expect(rotate(h.session(), { outDir: out, retire: current })).rejects.toThrow(/is the connection's current certificate: add its successor first/);
    await expect(rotate(h.session(), { outDir: out, retire: "AB".repeat(20) })).rejects.toThrow(/has no certificate with that thumbprint/);
    await expect(rotate(h.session(), { outDir: out, retire: "not-a-thumbprint" })).rejects.toThrow(InputError);
    const refused = await rotate(h.session(), { outDir: out, retire: FOREIGN_THUMBPRINT }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InputError);
    expect((refused as Error).message).toMatch(new RegExp(`Not retiring ${FOREIGN_THUMBPRINT}: entra-onboard did not add it`));
    await expect(rotate(h.session(), { outDir: out, retire: FOREIGN_THUMBPRINT, confirmForeign: async () => false })).rejects.toThrow(AbortedError);
    expect(h.fake.stats(before).writes).toBe(0);
    expect(stateOf(h).thumbprints.sort()).toEqual([current, FOREIGN_THUMBPRINT].sort());

    const asked: string[][] = [];
    const removed = await rotate(h.session(), { outDir: out, retire: FOREIGN_THUMBPRINT, confirmForeign: async (t) => (asked.push(t), true) });
    expect(asked).toEqual([[FOREIGN_THUMBPRINT]]);
    expect(removed.retired).toEqual([FOREIGN_THUMBPRINT]);
    expect(stateOf(h).thumbprints).toEqual([current]);
  });

  it("refuses an app that is not there yet", async () => {
    const h = createHarness(msw.server);
    await expect(rotate(h.session(), { outDir: await dirs.make() })).rejects.toThrow(/Nothing to rotate.*apply first/);
    expect(h.fake.stats().writes).toBe(0);
  });
});
