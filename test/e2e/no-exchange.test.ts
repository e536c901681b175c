import { describe, expect, it } from "vitest";
import { apply, plan } from "../../src/core/pipeline.js";
import { EXCHANGE_APP_ID } from "../../src/core/well-known.js";
import { createHarness } from "../support/harness.js";
import { expectXopsConverged, useFakeTenantSuite } from "./helpers.js";

const { msw, dirs } = useFakeTenantSuite();

describe("tenant without Exchange Online", () => {
  it("plans the Exchange service principal, and apply creates it and grants Exchange.ManageAsApp against it", async () => {
    const h = createHarness(msw.server, { tenants: [{ displayName: "Fabrikam", hasExchange: false }] });
    const out = await dirs.make();
    expect(h.tenant.servicePrincipalByAppId(EXCHANGE_APP_ID)).toBeUndefined();

    const planned = await plan(h.session(), { outDir: out });
    expect(planned.plan.actions).toContainEqual(expect.objectContaining({ kind: "create-resource-service-principal", resourceAppId: EXCHANGE_APP_ID }));
    expect(h.fake.stats().writes).toBe(0);

    await apply(h.session(), { outDir: out });
    const exchange = h.tenant.servicePrincipalByAppId(EXCHANGE_APP_ID);
    expect(exchange).toBeDefined();
    expect(h.tenant.servicePrincipals().filter((s) => s.appId === EXCHANGE_APP_ID)).toHaveLength(1);
    const s = expectXopsConverged(h);
    expect(h.tenant.appRoleAssignmentsFor(s.spId).some((a) => a.resourceId === exchange!.id)).toBe(true);
    expect((await plan(h.session(), { outDir: out })).inSync).toBe(true);
  });

  it("the entra-id profile does not create the Exchange service principal", async () => {
    const h = createHarness(msw.server, { tenants: [{ hasExchange: false }] });
    const out = await dirs.make();
    await apply(h.session(), { outDir: out, profile: "entra-id" });
    expect(h.tenant.servicePrincipalByAppId(EXCHANGE_APP_ID)).toBeUndefined();
  });
});
