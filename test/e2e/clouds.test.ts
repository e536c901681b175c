/**
 * The tool in each Microsoft cloud, against a fake tenant of that cloud (its own app role ids, and
 * in GCC High and DoD no Exchange.ManageAsApp on Office 365 Exchange Online): a permission the cloud
 * lacks stops plan before any write, naming the alternative; the alternative converges; permissions
 * are resolved by value, so the national clouds' own ids are what gets granted.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLOUD_NAMES, type CloudName } from "../../src/core/clouds.js";
import { apply, plan, status } from "../../src/core/pipeline.js";
import { EXCHANGE_APP_ID, EXCHANGE_ONLINE_PROTECTION_APP_ID, GRAPH_APP_ID } from "../../src/core/well-known.js";
import { InputError } from "../../src/shared/errors.js";
import { createHarness } from "../support/harness.js";
import { ACCESS_REVIEW, stateOf, useFakeTenantSuite, type Harness } from "./helpers.js";

const { msw, dirs } = useFakeTenantSuite();

function harnessIn(cloud: CloudName): Harness {
  return createHarness(msw.server, { cloud, tenants: [{ displayName: "Contoso", initialDomain: "contoso.onmicrosoft.com", cloud }] });
}

const EOP_MANAGE = `${EXCHANGE_ONLINE_PROTECTION_APP_ID}/Exchange.ManageAsApp`;

async function eopProfile(dir: string): Promise<string> {
  const file = join(dir, "xops-gov.yaml");
  await writeFile(file, "name: xops-gov\npermissions:\n  - Microsoft Exchange Online Protection / Exchange.ManageAsApp\n  - Microsoft Graph / AccessReview.Read.All\nroles:\n  - Global Reader\n");
  return file;
}

describe("GCC High and DoD: Exchange.ManageAsApp of Office 365 Exchange Online does not exist there", () => {
  for (const cloud of ["usgov", "usgovdod"] as const) {
    it(`${cloud}: plan and apply with the default profile stop before any write, naming the alternative`, async () => {
      const h = harnessIn(cloud);
      const out = await dirs.make();
      const error = await plan(h.session(), { outDir: out }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toContain(`not available in the ${cloud} cloud`);
      expect((error as Error).message).toContain("'Microsoft Exchange Online Protection / Exchange.ManageAsApp'");
      await expect(apply(h.session(), { outDir: out })).rejects.toThrow(InputError);
      expect(h.fake.stats().writes).toBe(0);
      expect(h.tenant.applications()).toHaveLength(0);
    });

    it(`${cloud}: the alternative (Microsoft Exchange Online Protection) converges and is in sync`, async () => {
      const h = harnessIn(cloud);
      const out = await dirs.make();
      const profile = await eopProfile(out);
      await apply(h.session(), { outDir: out, profile });
      const s = stateOf(h);
      expect(s.grants).toEqual([EOP_MANAGE, ACCESS_REVIEW].sort());
      expect(s.roles).toEqual(["Global Reader"]);
      expect((await status(h.session(), { outDir: out, profile })).inSync).toBe(true);
    });
  }

  it("a GCC High tenant without the Exchange Online Protection service principal gets one created, then the grant", async () => {
    const h = harnessIn("usgov");
    expect(h.tenant.removeServicePrincipal(EXCHANGE_ONLINE_PROTECTION_APP_ID)).toBe(true);
    const out = await dirs.make();
    const profile = await eopProfile(out);
    const planned = await plan(h.session(), { outDir: out, profile });
    expect(planned.plan.actions.map((a) => a.kind)).toContain("create-resource-service-principal");
    await apply(h.session(), { outDir: out, profile });
    expect(stateOf(h).grants).toEqual([EOP_MANAGE, ACCESS_REVIEW].sort());
  });

  it("a GCC High tenant whose Exchange Online does offer Exchange.ManageAsApp: the tenant decides, with a warning", async () => {
    const h = harnessIn("usgov");
    const exchange = h.tenant.servicePrincipalByAppId(EXCHANGE_APP_ID)!;
    const role = { allowedMemberTypes: ["Application"], description: "Manage Exchange as app", displayName: "Manage Exchange As Application", id: "dc50a0fb-09a3-484d-be87-e023b12c6440", isEnabled: true, origin: "Application", value: "Exchange.ManageAsApp" };
    h.tenant.sps.put({ ...exchange, appRoles: [...exchange.appRoles, role] }, h.clock.now());
    const out = await dirs.make();
    const planned = await plan(h.session(), { outDir: out });
    expect(planned.plan.warnings.join("\n")).toMatch(/offers Exchange\.ManageAsApp, so it is granted as the tenant says/);
    await apply(h.session(), { outDir: out });
    expect(stateOf(h).grants).toContain(`${EXCHANGE_APP_ID}/Exchange.ManageAsApp`);
  });
});

describe("every cloud: the default profile where it exists, resolved by value to that cloud's ids", () => {
  for (const cloud of CLOUD_NAMES.filter((c) => c === "global" || c === "china")) {
    it(`${cloud}: xops converges; the granted ids are the tenant's own`, async () => {
      const h = harnessIn(cloud);
      const out = await dirs.make();
      await apply(h.session(), { outDir: out });
      const s = stateOf(h);
      expect(s.grants).toEqual([ACCESS_REVIEW, `${EXCHANGE_APP_ID}/Exchange.ManageAsApp`].sort());
      const graph = h.tenant.servicePrincipalByAppId(GRAPH_APP_ID)!;
      const granted = h.tenant.appRoleAssignmentsFor(s.spId).find((a) => a.resourceId === graph.id)!;
      expect(granted.appRoleId).toBe(graph.appRoles.find((r) => r.value === "AccessReview.Read.All")!.id);
      expect((await status(h.session(), { outDir: out })).inSync).toBe(true);
      expect(h.tenant.initialDomain).toBe("contoso.onmicrosoft.com");
    });
  }

  it("china: without an Exchange Online service principal (no id documented there) it is created and the id read from it", async () => {
    const h = harnessIn("china");
    expect(h.tenant.removeServicePrincipal(EXCHANGE_APP_ID)).toBe(true);
    const out = await dirs.make();
    await apply(h.session(), { outDir: out });
    const s = stateOf(h);
    expect(s.grants).toEqual([ACCESS_REVIEW, `${EXCHANGE_APP_ID}/Exchange.ManageAsApp`].sort());
    expect((await status(h.session(), { outDir: out })).inSync).toBe(true);
  });

  it("the national clouds' Graph role ids differ from the global ones (so a hard-coded id would fail there)", () => {
    const id = (cloud: CloudName) => harnessIn(cloud).tenant.servicePrincipalByAppId(GRAPH_APP_ID)!.appRoles.find((r) => r.value === "AccessReview.Read.All")!.id;
    const ids = CLOUD_NAMES.map(id);
    expect(new Set(ids).size).toBe(CLOUD_NAMES.length);
  });
});
