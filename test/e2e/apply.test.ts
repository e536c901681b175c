import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { apply, plan } from "../../src/core/pipeline.js";
import { EXCHANGE_APP_ID, GRAPH_APP_ID, ROLE_TEMPLATE } from "../../src/core/well-known.js";
import { createHarness } from "../support/harness.js";
import { grantedValues, useFakeTenantSuite } from "./helpers.js";

const { msw, dirs } = useFakeTenantSuite();

describe("apply on a fresh tenant", () => {
  it("creates the app, service principal, consent, Global Reader and certificate, then a re-run writes nothing", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const result = await apply(h.session(), { outDir: out });

    const apps = h.tenant.applications();
    expect(apps).toHaveLength(1);
    const app = apps[0]!;
    expect(app.displayName).toBe("Xops-App");
    expect(app.signInAudience).toBe("AzureADMyOrg");
    // A readable slug plus a hash of the exact name: "Xops App" gets another one (unique-names.test.ts).
    expect(app.uniqueName).toMatch(/^entra-onboard-xops-app-[0-9a-f]{8}$/);
    const sp = h.tenant.servicePrincipalByAppId(app.appId as string)!;
    expect(sp).toBeDefined();
    expect(grantedValues(h, sp.id as string).sort()).toEqual([`${EXCHANGE_APP_ID}/Exchange.ManageAsApp`, `${GRAPH_APP_ID}/AccessReview.Read.All`].sort());
    expect(h.tenant.roleAssignmentsFor(sp.id as string).map((r) => r.roleDefinitionId)).toEqual([ROLE_TEMPLATE.globalReader]);
    const keys = h.tenant.keyCredentials(app.appId as string);
    expect(keys).toHaveLength(1);

    expect(result.changed).toBe(true);
    expect(result.connection.appId).toBe(app.appId);
    expect(result.connection.tenantId).toBe(h.tenantId);
    expect(result.connection.organization).toBe("contoso.onmicrosoft.com");
    expect(result.connection.certificate?.thumbprint).toMatch(/^[0-9A-F]{40}$/);
    expect((await stat(result.connection.certificate!.keyPath!)).mode & 0o777).toBe(0o600);
    // connection.json binds --out to this app in this tenant and records what the tool added.
    const saved = JSON.parse(await readFile(join(out, "connection.json"), "utf8")) as Record<string, unknown>;
    expect(saved).toMatchObject({ formatVersion: 2, tenantId: h.tenantId, appId: app.appId, applicationObjectId: app.id, uniqueName: app.uniqueName, displayName: "Xops-App" });
    expect(saved["managed"]).toEqual({
      certificates: [result.connection.certificate?.thumbprint],
      certificateDetails: [expect.objectContaining({ thumbprint: result.connection.certificate?.thumbprint, source: "generated" })],
      permissions: expect.arrayContaining([expect.objectContaining({ resourceAppId: EXCHANGE_APP_ID }), expect.objectContaining({ resourceAppId: GRAPH_APP_ID })]),
      roles: [ROLE_TEMPLATE.globalReader],
      listedPermissions: [],
      tags: [],
    });
    // The run's lock on --out is gone.
    expect(await readdir(out)).not.toContain("entra-onboard.lock");

    const before = h.fake.requests.length;
    const again = await apply(h.session(), { outDir: out });
    expect(again.changed).toBe(false);
    expect(h.fake.stats(before).writes).toBe(0);
    expect(h.tenant.applications()).toHaveLength(1);

    const after = await plan(h.session(), { outDir: out });
    expect(after.plan.actions).toEqual([]);
    expect(after.inSync).toBe(true);
  });
});
