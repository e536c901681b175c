import { describe, expect, it } from "vitest";
import { apply, plan, status } from "../../src/core/pipeline.js";
import { createHarness } from "../support/harness.js";
import { useFakeTenantSuite } from "./helpers.js";

const { msw, dirs } = useFakeTenantSuite();

describe("plan and status", () => {
  it("on a fresh tenant list every action, report the app absent and never write", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();

    const planned = await plan(h.session(), { outDir: out });
    expect(planned.plan.app.state).toBe("absent");
    expect(planned.inSync).toBe(false);
    expect(planned.preflight).toEqual([]);
    expect(planned.plan.actions.map((a) => a.kind).sort()).toEqual(
      ["add-certificate", "assign-directory-role", "create-application", "create-service-principal", "grant-app-role", "grant-app-role"].sort(),
    );
    expect(planned.plan.tenant.initialDomain).toBe("contoso.onmicrosoft.com");

    const drift = await status(h.session(), { outDir: out });
    expect(drift.inSync).toBe(false);
    expect(drift.plan.actions.length).toBeGreaterThan(0);

    expect(h.fake.stats().writes).toBe(0);
    expect(h.tenant.applications()).toHaveLength(0);
  });

  it("on a converged tenant report no actions and in sync, still without writing", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    await apply(h.session(), { outDir: out });
    const before = h.fake.requests.length;

    const planned = await plan(h.session(), { outDir: out });
    expect(planned.plan.actions).toEqual([]);
    expect(planned.plan.findings).toEqual([]);
    expect(planned.inSync).toBe(true);
    expect(planned.plan.app.state).toBe("owned");
    expect(planned.plan.certificate.state).toBe("present");

    const drift = await status(h.session(), { outDir: out });
    expect(drift.inSync).toBe(true);
    expect(h.fake.stats(before).writes).toBe(0);
  });

  it("sees drift made behind the tool's back (a revoked grant) and apply restores it", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const first = await apply(h.session(), { outDir: out });
    const spId = first.connection.servicePrincipalId!;
    const grant = h.tenant.appRoleAssignmentsFor(spId)[0]!;
    h.tenant.grants.delete(grant.id);

    const drift = await status(h.session(), { outDir: out });
    expect(drift.inSync).toBe(false);
    expect(drift.plan.actions.map((a) => a.kind)).toEqual(["grant-app-role"]);

    await apply(h.session(), { outDir: out });
    expect(h.tenant.appRoleAssignmentsFor(spId)).toHaveLength(2);
  });
});
