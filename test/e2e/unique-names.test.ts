/**
 * Issue 9, finding 4: different names, one app. Names that slug alike ("Xops App", "Xops-App"; any
 * two all-non-Latin names) must make two apps, never rename one into the other; an app made by an
 * earlier version (the slug-only uniqueName) is still managed when connection.json records it; a
 * display name other than --name is a question apply does not answer by itself.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { apply, plan } from "../../src/core/pipeline.js";
import { legacyUniqueNameFor } from "../../src/core/unique-name.js";
import { DEFAULT_ADMIN_ID } from "../../src/fake/users.js";
import { ForeignAppError, InputError } from "../../src/shared/errors.js";
import { createHarness } from "../support/harness.js";
import { ACCESS_REVIEW, EXCHANGE_MANAGE, stateOf, type Harness, useFakeTenantSuite } from "./helpers.js";

const { msw, dirs } = useFakeTenantSuite();

/** Both apps exist under their own names, each fully onboarded with its own certificate. */
async function expectTwoApps(h: Harness, a: string, b: string): Promise<void> {
  await apply(h.session(), { name: a, outDir: await dirs.make() });
  await apply(h.session(), { name: b, outDir: await dirs.make() });
  expect(h.tenant.applications().map((x) => x.displayName).sort()).toEqual([a, b].sort());
  const [first, second] = [stateOf(h, a), stateOf(h, b)];
  expect(first.appId).not.toBe(second.appId);
  for (const s of [first, second]) {
    expect(s.grants).toEqual([ACCESS_REVIEW, EXCHANGE_MANAGE].sort());
    expect(s.roles).toEqual(["Global Reader"]);
    expect(s.thumbprints).toHaveLength(1);
  }
  expect(new Set(h.tenant.applications().map((x) => x.uniqueName)).size).toBe(2);
}

describe("names that slug alike are different apps", () => {
  it("'Xops App' and 'Xops-App'", async () => {
    await expectTwoApps(createHarness(msw.server), "Xops App", "Xops-App");
  });

  it("two all-non-Latin names", async () => {
    await expectTwoApps(createHarness(msw.server), "Приложение", "アプリ");
  });
});

describe("an app made by an earlier version (slug-only uniqueName)", () => {
  async function legacyApp(h: Harness) {
    return h.tenant.addApplication({
      displayName: "Xops-App",
      uniqueName: legacyUniqueNameFor("Xops-App"),
      tags: [`entra-onboard:${legacyUniqueNameFor("Xops-App")}`],
      signInAudience: "AzureADMyOrg",
      owners: [DEFAULT_ADMIN_ID],
    });
  }

  it("is still managed from the --out whose connection.json (as that version wrote it) records it", async () => {
    const h = createHarness(msw.server);
    const app = await legacyApp(h);
    const out = await dirs.make();
    const v1 = { formatVersion: 1, uniqueName: legacyUniqueNameFor("Xops-App"), friendlyName: "Contoso - Xops-App", tenantId: h.tenantId, appId: app.appId, organization: "contoso.onmicrosoft.com", applicationObjectId: app.id, servicePrincipalId: undefined, certificate: null };
    await writeFile(join(out, "connection.json"), JSON.stringify(v1));

    const result = await apply(h.session(), { outDir: out });
    expect(result.connection.appId).toBe(app.appId);
    expect(h.tenant.applications()).toHaveLength(1);
    expect(stateOf(h).grants).toEqual([ACCESS_REVIEW, EXCHANGE_MANAGE].sort());
    expect((await plan(h.session(), { outDir: out })).inSync).toBe(true);
  });

  it("is someone else's from anywhere else: its uniqueName alone proves nothing", async () => {
    const h = createHarness(msw.server);
    await legacyApp(h);
    await expect(plan(h.session(), { outDir: await dirs.make() })).rejects.toThrow(ForeignAppError);
    expect(h.fake.stats().writes).toBe(0);
  });
});

describe("a display name other than --name", () => {
  it("renamed in the portal: plan shows it, apply refuses (exit 2, nothing written); --rename renames, --name <current> keeps it", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const first = await apply(h.session(), { outDir: out });
    const app = h.tenant.applicationByAppId(first.connection.appId)!;
    await h.session().graph.send({ method: "PATCH", url: `/applications/${app.id}`, body: { displayName: "Xops Portal Name" }, operation: "rename in the portal" });

    const planned = await plan(h.session(), { outDir: out });
    expect(planned.plan.findings).toEqual([expect.objectContaining({ kind: "name-differs" })]);
    const before = h.fake.requests.length;
    const error = await apply(h.session(), { outDir: out }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(/named 'Xops Portal Name', not 'Xops-App'.*--rename.*--name 'Xops Portal Name'/);
    expect(h.fake.stats(before).writes).toBe(0);
    expect(h.tenant.applicationByAppId(app.appId)?.displayName).toBe("Xops Portal Name");

    // Keeping the portal's name: the same app, nothing to change.
    const kept = await apply(h.session(), { outDir: out, name: "Xops Portal Name" });
    expect(kept.connection.appId).toBe(app.appId);
    expect(kept.changed).toBe(false);

    // Asking for the rename: renamed, same app, and later runs under the new name are in sync.
    const renamed = await apply(h.session(), { outDir: out, name: "Xops Ops", rename: true });
    expect(renamed.connection.appId).toBe(app.appId);
    expect(h.tenant.applications().map((a) => a.displayName)).toEqual(["Xops Ops"]);
    expect((await plan(h.session(), { outDir: out, name: "Xops Ops" })).inSync).toBe(true);
  });

  it("one --out per app: a second name in the same --out is not a silent rename", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    await apply(h.session(), { outDir: out });
    const before = h.fake.requests.length;
    await expect(apply(h.session(), { outDir: out, name: "Another App" })).rejects.toThrow(/named 'Xops-App', not 'Another App'.*own --out/);
    expect(h.fake.stats(before).writes).toBe(0);
    expect(h.tenant.applications().map((a) => a.displayName)).toEqual(["Xops-App"]);
  });
});
