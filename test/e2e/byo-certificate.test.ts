import { readdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { apply } from "../../src/core/pipeline.js";
import { createHarness } from "../support/harness.js";
import { BYO_THUMBPRINT, expectXopsConverged, fixture, useFakeTenantSuite } from "./helpers.js";

const { msw, dirs } = useFakeTenantSuite();

describe("bring your own certificate", () => {
  it.each(["byo.cer", "byo.pem"])("%s: attaches that public key, writes no private key, and a re-run changes nothing", async (file) => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const result = await apply(h.session(), { outDir: out, certificate: fixture(file) });

    const s = expectXopsConverged(h);
    expect(s.thumbprints).toEqual([BYO_THUMBPRINT]);
    expect(result.connection.certificate?.thumbprint).toBe(BYO_THUMBPRINT);
    expect(result.connection.certificate?.keyPath).toBeUndefined();
    const files = await readdir(out);
    expect(files.filter((f) => /key|\.pem$|\.cer$/i.test(f))).toEqual([]);

    const before = h.fake.requests.length;
    const again = await apply(h.session(), { outDir: out, certificate: fixture(file) });
    expect(again.changed).toBe(false);
    expect(h.fake.stats(before).writes).toBe(0);
    expect(stateThumbprints(h, s.appId)).toEqual([BYO_THUMBPRINT]);
  });

  it("DER and PEM of the same certificate are the same credential (no second upload)", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    await apply(h.session(), { outDir: out, certificate: fixture("byo.cer") });
    const before = h.fake.requests.length;
    await apply(h.session(), { outDir: out, certificate: fixture("byo.pem") });
    expect(h.fake.stats(before).writes).toBe(0);
    expect(stateThumbprints(h, expectXopsConverged(h).appId)).toEqual([BYO_THUMBPRINT]);
  });
});

function stateThumbprints(h: ReturnType<typeof createHarness>, appId: string): string[] {
  return h.tenant.keyCredentials(appId).map((k) => (k.customKeyIdentifier ?? "").toUpperCase());
}
