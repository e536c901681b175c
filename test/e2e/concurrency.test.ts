import { describe, expect, it } from "vitest";
import { apply, plan } from "../../src/core/pipeline.js";
import { createHarness } from "../support/harness.js";
import { expectXopsConverged, useFakeTenantSuite } from "./helpers.js";

const { msw, dirs } = useFakeTenantSuite();

describe("concurrent applies on one tenant", () => {
  it.each([
    ["no faults", {}],
    ["latency and lag", { latencyMs: 50, lagMs: 2000 }],
  ])("three at once make one app, one SP, no duplicate grants or roles (%s)", async (_label, faults) => {
    const h = createHarness(msw.server, { faults });
    const outs = [await dirs.make(), await dirs.make(), await dirs.make()];

    const settled = await Promise.allSettled(outs.map((outDir) => apply(h.session(), { outDir })));
    const failures = settled.flatMap((r) => (r.status === "rejected" ? [String(r.reason)] : []));
    expect(failures).toEqual([]);

    const s = expectXopsConverged(h);
    const results = settled.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    expect(new Set(results.map((r) => r.connection.appId))).toEqual(new Set([s.appId]));
    // Each run holds its own key and may upload its own certificate. keyCredentials PATCH replaces
    // the whole list, so concurrent uploads can drop each other's entry: only "at least one run's
    // certificate is there, and nothing else" can be guaranteed: Graph has no conditional update for
    // keyCredentials (README, "Known limits"); a later apply from the losing run's --out re-adds it.
    const reported = results.map((r) => r.connection.certificate?.thumbprint);
    expect(s.thumbprints.length).toBeGreaterThanOrEqual(1);
    for (const t of s.thumbprints) expect(reported).toContain(t);

    h.fake.setFaults({});
    // Nothing but (possibly) re-adding a dropped certificate is left to do from any run's --out.
    for (const outDir of outs) {
      expect((await plan(h.session(), { outDir })).plan.actions.filter((a) => a.kind !== "add-certificate")).toEqual([]);
    }
    // Running apply again from each --out, one after the other, restores every run's certificate.
    const again = [];
    for (const outDir of outs) again.push(await apply(h.session(), { outDir }));
    const final = expectXopsConverged(h);
    for (const r of again) expect(final.thumbprints).toContain(r.connection.certificate?.thumbprint);
    for (const outDir of outs) expect((await plan(h.session(), { outDir })).plan.actions).toEqual([]);
  });
});
