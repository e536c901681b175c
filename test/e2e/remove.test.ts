import { describe, expect, it } from "vitest";
import { apply, plan, remove } from "../../src/core/pipeline.js";
import { ROLE_TEMPLATE } from "../../src/core/well-known.js";
import { AbortedError, ForeignAppError, PreflightError } from "../../src/shared/errors.js";
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
    expect(result.results.map((r) => [r.action.kind, r.outcome])).toEqual([["delete-application", "deleted"]]);
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

  it("--dry-run (and plan in destroy mode) shows the delete with everything that goes with it, and deletes nothing", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const applied = await apply(h.session(), { outDir: out });
    const before = h.fake.requests.length;

    const dry = await remove(h.session(), { outDir: out, dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(dry.removed).toBeUndefined();
    expect(dry.preflight).toEqual([]);
    const [action] = dry.plan.actions;
    expect(action?.kind).toBe("delete-application");
    if (action?.kind !== "delete-application") throw new Error("unreachable");
    expect(action.appId).toBe(applied.connection.appId);
    expect(action.cascade.servicePrincipalId).toBe(applied.connection.servicePrincipalId);
    expect(action.cascade.permissions.map((p) => `${p.resourceName} / ${p.value}`).sort()).toEqual(["Microsoft Graph / AccessReview.Read.All", "Office 365 Exchange Online / Exchange.ManageAsApp"]);
    expect(action.cascade.roles.map((r) => r.roleName)).toEqual(["Global Reader"]);
    expect(action.cascade.certificates).toEqual([applied.connection.certificate?.thumbprint]);

    const preview = await plan(h.session(), { outDir: out, mode: "destroy" });
    expect(preview.plan.mode).toBe("destroy");
    expect(preview.plan.actions).toEqual(dry.plan.actions);

    expect(h.fake.stats(before).writes).toBe(0);
    expect(h.tenant.applications()).toHaveLength(1);
  });

  it("preflight judges the delete: an admin without an app admin role is refused before any write", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    await apply(h.session(), { outDir: out });
    const before = h.fake.requests.length;
    const limited = h.session({ wids: [ROLE_TEMPLATE.privilegedRoleAdministrator] });

    const dry = await remove(limited, { outDir: out, dryRun: true });
    expect(dry.preflight.join()).toMatch(/Cloud Application Administrator.*delete app registrations/);
    const error = await remove(limited, { outDir: out }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightError);
    expect(h.fake.stats(before).writes).toBe(0);
    expect(h.tenant.applications()).toHaveLength(1);
  });

  it("asks with the destroy plan, and a 'no' deletes nothing", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const applied = await apply(h.session(), { outDir: out });
    const before = h.fake.requests.length;
    const asked: string[] = [];
    const error = await remove(h.session(), {
      outDir: out,
      confirm: async ({ appId, plan: shown }) => {
        asked.push(appId, ...shown.actions.map((a) => a.kind));
        return false;
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(asked).toEqual([applied.connection.appId, "delete-application"]);
    expect(h.fake.stats(before).writes).toBe(0);
    expect(h.tenant.applications()).toHaveLength(1);
  });
});
