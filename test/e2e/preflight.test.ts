import { describe, expect, it } from "vitest";
import { apply, plan } from "../../src/core/pipeline.js";
import { ROLE_TEMPLATE } from "../../src/core/well-known.js";
import { PreflightError } from "../../src/shared/errors.js";
import { createHarness } from "../support/harness.js";
import { useFakeTenantSuite } from "./helpers.js";

const { msw, dirs } = useFakeTenantSuite();

describe("preflight", () => {
  it("without Privileged Role Administrator: apply refuses before any write, naming the role", async () => {
    const h = createHarness(msw.server, { claims: { wids: [ROLE_TEMPLATE.cloudApplicationAdministrator] } });
    const out = await dirs.make();

    const planned = await plan(h.session(), { outDir: out });
    expect(planned.preflight.join("\n")).toContain("Privileged Role Administrator");

    const error = await apply(h.session(), { outDir: out }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as Error).message).toContain("Privileged Role Administrator");
    expect(h.fake.stats().writes).toBe(0);
    expect(h.tenant.applications()).toHaveLength(0);
  });

  it("without the RoleManagement.ReadWrite.Directory scope: apply refuses, naming the scope", async () => {
    const h = createHarness(msw.server, { claims: { scp: "Application.ReadWrite.All AppRoleAssignment.ReadWrite.All User.Read" } });
    const out = await dirs.make();

    const error = await apply(h.session(), { outDir: out }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as Error).message).toContain("RoleManagement.ReadWrite.Directory");
    expect(h.fake.stats().writes).toBe(0);
    expect(h.tenant.applications()).toHaveLength(0);
  });

  it("Global Administrator alone is enough", async () => {
    const h = createHarness(msw.server, { claims: { wids: [ROLE_TEMPLATE.globalAdministrator] } });
    const out = await dirs.make();
    const result = await apply(h.session(), { outDir: out });
    expect(result.changed).toBe(true);
    expect(h.tenant.applications()).toHaveLength(1);
  });
});
