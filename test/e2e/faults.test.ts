import { describe, expect, it } from "vitest";
import { apply, plan } from "../../src/core/pipeline.js";
import type { FaultOptions } from "../../src/fake/types.js";
import { createHarness } from "../support/harness.js";
import { expectXopsConverged, useFakeTenantSuite } from "./helpers.js";

const { msw, dirs } = useFakeTenantSuite();

async function convergesUnder(faults: FaultOptions): Promise<void> {
  const h = createHarness(msw.server, { faults });
  const out = await dirs.make();
  const result = await apply(h.session(), { outDir: out });
  const s = expectXopsConverged(h);
  // The faults really happened (otherwise this test proves nothing).
  const statuses = h.fake.requests.map((e) => e.status);
  if (faults.throttleRate) expect(statuses).toContain(429);
  if (faults.failRate) expect(statuses).toContain(503);
  expect(s.thumbprints).toEqual([result.connection.certificate?.thumbprint]);
  // Judge the end state with the faults switched off, so the check itself cannot flake.
  h.fake.setFaults({});
  const after = await plan(h.session(), { outDir: out });
  expect(after.plan.actions).toEqual([]);
  expect(after.inSync).toBe(true);
}

describe("apply converges under Graph's faults, with no duplicates", () => {
  it("replication lag of 3 s", async () => {
    await convergesUnder({ lagMs: 3000 });
  });

  it.each([1, 2, 3, 4, 5])("throttling 30 percent with fractional Retry-After 0.5, seed %i", async (seed) => {
    await convergesUnder({ throttleRate: 0.3, retryAfter: "0.5", seed });
  });

  it.each([1, 2, 3, 4, 5])("503 on 20 percent of requests, seed %i", async (seed) => {
    await convergesUnder({ failRate: 0.2, seed });
  });

  it.each([7, 8, 9])("all at once: lag, throttling and 503s, seed %i", async (seed) => {
    await convergesUnder({ lagMs: 3000, throttleRate: 0.2, retryAfter: "0.5", failRate: 0.1, seed });
  });

  it("lag with a tenant without Exchange (the resource SP is created in the same run)", async () => {
    const h = createHarness(msw.server, { tenants: [{ hasExchange: false }], faults: { lagMs: 3000, seed: 3 } });
    const out = await dirs.make();
    await apply(h.session(), { outDir: out });
    expectXopsConverged(h);
  });
});
