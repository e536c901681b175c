import { describe, expect, it } from "vitest";
import { apply, plan, remove } from "../../src/core/pipeline.js";
import { ForeignAppError } from "../../src/shared/errors.js";
import { createHarness } from "../support/harness.js";
import { useFakeTenantSuite } from "./helpers.js";

const { msw, dirs } = useFakeTenantSuite();

describe("remove", () => {
  it("deletes the owned app and its service principal (with its grants and role)", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const applied = await apply(h.session(), { outDir: out });
    const { appId, servicePrincipalId } = applied.connection;

    const result = await remove(h.session(), { outDir: out });
    expect(result.removed?.appId).toBe(appId);
    expect(h.tenant.applications()).toHaveLength(0);
    expect(h.tenant.servicePrincipalByAppId(appId)).toBeUndefined();
    expect(h.tenant.appRoleAssignmentsFor(servicePrincipalId!)).toEqual([]);
    expect(h.tenant.roleAssignmentsFor(servicePrincipalId!)).toEqual([]);
    expect((await plan(h.session(), { outDir: out })).plan.app.state).toBe("absent");
  });

  it("refuses a foreign app of the same name and leaves it", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const handMade = h.tenant.addApplication({ displayName: "Xops-App" });
    await expect(remove(h.session(), { outDir: out })).rejects.toThrow(ForeignAppError);
    expect(h.tenant.applicationByAppId(handMade.appId)).toBeDefined();
    expect(h.fake.stats().writes).toBe(0);
  });

  it("nothing to remove: removed is undefined and nothing is written", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const result = await remove(h.session(), { outDir: out });
    expect(result.removed).toBeUndefined();
    expect(h.fake.stats().writes).toBe(0);
  });

  it("after remove, apply starts over with a new app", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const first = await apply(h.session(), { outDir: out });
    await remove(h.session(), { outDir: out });
    const second = await apply(h.session(), { outDir: out });
    expect(second.connection.appId).not.toBe(first.connection.appId);
    expect(h.tenant.applications()).toHaveLength(1);
  });
});
