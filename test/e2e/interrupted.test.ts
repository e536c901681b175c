import { describe, expect, it } from "vitest";
import { apply, plan } from "../../src/core/pipeline.js";
import type { Session } from "../../src/core/session.js";
import type { Graph, GraphRequest } from "../../src/graph/types.js";
import { createHarness } from "../support/harness.js";
import { expectXopsConverged, useFakeTenantSuite } from "./helpers.js";

const { msw, dirs } = useFakeTenantSuite();

class SimulatedCrash extends Error {}

/**
 * A session whose Graph "dies" at a write: either before the (n+1)th write leaves (`before`), or
 * right after the nth write landed in the tenant but before its answer came back (`after`, the
 * nastier case: the tenant changed and the tool does not know).
 */
function crashingSession(session: Session, n: number, when: "before" | "after"): Session {
  let writes = 0;
  const graph: Graph = {
    send: async <T = unknown>(request: GraphRequest) => {
      if (request.method === "GET") return session.graph.send<T>(request);
      writes += 1;
      if (when === "before" && writes > n) throw new SimulatedCrash(`killed before write ${writes}`);
      const response = await session.graph.send<T>(request);
      if (when === "after" && writes >= n) throw new SimulatedCrash(`killed after write ${writes}`);
      return response;
    },
    batch: (requests) => session.graph.batch(requests),
    pages: (first, operation, options) => session.graph.pages(first, operation, options),
  };
  return { ...session, graph };
}

// A fresh xops apply makes six writes: app, certificate, SP, two grants, Global Reader.
const WRITE_STEPS = [1, 2, 3, 4, 5, 6];

describe("a run interrupted at each write step, then run again, converges", () => {
  it.each(WRITE_STEPS)("killed just before write %i left", async (n) => {
    await interruptThenRerun(n - 1, "before");
  });

  it.each(WRITE_STEPS)("killed after write %i landed (answer lost)", async (n) => {
    await interruptThenRerun(n, "after");
  });

  it("killed twice in a row, with replication lag", async () => {
    const h = createHarness(msw.server, { faults: { lagMs: 2000 } });
    const out = await dirs.make();
    await expect(apply(crashingSession(h.session(), 1, "after"), { outDir: out })).rejects.toThrow(SimulatedCrash);
    await expect(apply(crashingSession(h.session(), 2, "after"), { outDir: out })).rejects.toThrow(SimulatedCrash);
    const result = await apply(h.session(), { outDir: out });
    const s = expectXopsConverged(h);
    expect(s.thumbprints).toEqual([result.connection.certificate?.thumbprint]);
  });
});

async function interruptThenRerun(n: number, when: "before" | "after"): Promise<void> {
  const h = createHarness(msw.server);
  const out = await dirs.make();
  await expect(apply(crashingSession(h.session(), n, when), { outDir: out })).rejects.toThrow(SimulatedCrash);
  expect(h.tenant.applications().length).toBeLessThanOrEqual(1);

  const result = await apply(h.session(), { outDir: out });
  const s = expectXopsConverged(h);
  // Exactly one certificate, and it is the one whose key is in --out.
  expect(s.thumbprints).toEqual([result.connection.certificate?.thumbprint]);
  expect(result.connection.appId).toBe(s.appId);

  const before = h.fake.requests.length;
  const after = await plan(h.session(), { outDir: out });
  expect(after.inSync).toBe(true);
  expect(h.fake.stats(before).writes).toBe(0);
}
