import { describe, expect, it } from "vitest";
import { apply, plan } from "../../src/core/pipeline.js";
import { ForeignAppError } from "../../src/shared/errors.js";
import { uniqueNameFor } from "../../src/core/unique-name.js";
import { DEFAULT_ADMIN_ID } from "../../src/fake/users.js";
import { createHarness } from "../support/harness.js";
import { expectXopsConverged, useFakeTenantSuite } from "./helpers.js";

const { msw, dirs } = useFakeTenantSuite();

const OWNER_TAG = `entra-onboard:${uniqueNameFor("Xops-App")}`;

describe("an app with our name that this tool did not create", () => {
  it("stops plan and apply with a message about --adopt, writing nothing", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const handMade = h.tenant.addApplication({ displayName: "Xops-App" });

    await expect(plan(h.session(), { outDir: out })).rejects.toThrow(ForeignAppError);
    const error = await apply(h.session(), { outDir: out }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForeignAppError);
    expect((error as Error).message).toContain("--adopt");
    expect((error as Error).message).toContain(handMade.appId);
    expect(h.fake.stats().writes).toBe(0);
    expect(h.tenant.applications()).toHaveLength(1);
    expect(h.tenant.applicationByAppId(handMade.appId)?.tags).toEqual([]);
  });

  it("adopt: tags it, keeps its appId, makes no second app, and later runs recognise it without adopt", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    // Made by hand in the portal by the admin, who therefore owns it.
    const handMade = h.tenant.addApplication({ displayName: "Xops-App", tags: ["made-by-hand"], owners: [DEFAULT_ADMIN_ID] });

    const planned = await plan(h.session(), { outDir: out, adopt: true });
    expect(planned.plan.app.state).toBe("adoptable");
    expect(planned.plan.actions.map((a) => a.kind)).toContain("adopt-application");

    const result = await apply(h.session(), { outDir: out, adopt: true });
    expect(result.connection.appId).toBe(handMade.appId);
    const s = expectXopsConverged(h);
    expect(s.appId).toBe(handMade.appId);
    expect(s.objectId).toBe(handMade.id);
    expect(h.tenant.applicationByAppId(handMade.appId)?.tags.sort()).toEqual(["made-by-hand", OWNER_TAG].sort());

    // A new --out (no connection.json) and no --adopt: the tag identifies it, its owner proves it.
    const elsewhere = await dirs.make();
    const later = await plan(h.session(), { outDir: elsewhere });
    expect(later.plan.app.state).toBe("owned");
    const before = h.fake.requests.length;
    await apply(h.session(), { outDir: out });
    expect(h.fake.stats(before).writes).toBe(0);
    expect(h.tenant.applications()).toHaveLength(1);
  });

  it("an ownerless adopted app is recognised from the --out that adopted it, not from another", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const ownerless = h.tenant.addApplication({ displayName: "Xops-App" });
    await apply(h.session(), { outDir: out, adopt: true });
    expect((await plan(h.session(), { outDir: out })).inSync).toBe(true);
    // Elsewhere the tag is all there is, and anyone could have set it.
    const error = await plan(h.session(), { outDir: await dirs.make() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForeignAppError);
    expect((error as Error).message).toMatch(new RegExp(`${ownerless.appId}.*has no owners`));
  });

  it("two same-name foreign apps: refuses and lists both appIds; appId picks one", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const a = h.tenant.addApplication({ displayName: "Xops-App" });
    const b = h.tenant.addApplication({ displayName: "Xops-App" });

    const error = await plan(h.session(), { outDir: out, adopt: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForeignAppError);
    expect((error as Error).message).toContain(a.appId);
    expect((error as Error).message).toContain(b.appId);
    expect((error as Error).message).toContain("--app-id");

    // appId without adopt is still a foreign app: refused.
    await expect(apply(h.session(), { outDir: out, appId: b.appId })).rejects.toThrow(/--adopt/);
    expect(h.fake.stats().writes).toBe(0);

    await apply(h.session(), { outDir: out, appId: b.appId, adopt: true });
    expect(h.tenant.applications()).toHaveLength(2);
    expect(h.tenant.applicationByAppId(b.appId)?.tags).toContain(OWNER_TAG);
    expect(h.tenant.applicationByAppId(a.appId)?.tags).toEqual([]);
    expect(h.tenant.servicePrincipalByAppId(a.appId)).toBeUndefined();
    expect(h.tenant.appRoleAssignmentsFor(h.tenant.servicePrincipalByAppId(b.appId)!.id)).toHaveLength(2);

    // Afterwards the tagged one is ours; no appId needed.
    const later = await plan(h.session(), { outDir: out });
    expect(later.plan.app.state === "owned" && later.plan.app.appId).toBe(b.appId);
    expect(later.inSync).toBe(true);
  });
});
