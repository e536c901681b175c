/**
 * Names the tenant hands over (the organisation's display name, here) reach the plan, apply's
 * connection details, the platform form's values and the log lines. A newline, ANSI escapes or a
 * bidirectional override in them must not forge a line or recolour the page: every renderer shows
 * them escaped, while --json keeps the raw value.
 */
import { describe, expect, it } from "vitest";
import { apply, plan } from "../../src/core/pipeline.js";
import { formLines } from "../../src/cli/certificate-question.js";
import { planDocument } from "../../src/cli/render/json.js";
import { renderApply } from "../../src/cli/render/apply.js";
import { renderPlan } from "../../src/cli/render/plan.js";
import { styleFor } from "../../src/cli/render/style.js";
import { prettyLine } from "../../src/shared/log.js";
import { createHarness } from "../support/harness.js";
import { useFakeTenantSuite } from "../e2e/helpers.js";

const { msw, dirs } = useFakeTenantSuite();
const plain = styleFor({ isInteractive: false, env: {} });
const FORGED = "Evil\n\u001b[32m  + grant admin consent: everything\u202e";
// Control characters other than the renderers' own line breaks, and the override.
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/u;

function harness() {
  return createHarness(msw.server, { tenants: [{ displayName: FORGED, initialDomain: "evil.onmicrosoft.com" }] });
}

describe("tenant-supplied names in text output", () => {
  it("the plan shows the organisation's name escaped, on one line; --json keeps it raw", async () => {
    const h = harness();
    const planned = await plan(h.session(), { outDir: await dirs.make() });
    const text = renderPlan(planned, plain, "plan");
    expect(text).not.toMatch(RAW_CONTROL);
    expect(text).toContain("Tenant: Evil\\u000a\\u001b[32m  + grant admin consent: everything\\u202e (evil.onmicrosoft.com");
    expect(text.split("\n").filter((l) => l.includes("grant admin consent: everything"))).toHaveLength(1);
    expect(planDocument(planned, "plan").tenant.displayName).toBe(FORGED);
  });

  it("apply's connection details, the platform form's values and a pretty log line escape it too", async () => {
    const h = harness();
    const result = await apply(h.session(), { outDir: await dirs.make() });
    const shown = { ...result, connection: { ...result.connection, organization: FORGED, friendlyName: FORGED } };
    const text = renderApply(shown, plain);
    expect(text).not.toMatch(RAW_CONTROL);
    expect(text).toContain("Organisation name:  Evil\\u000a");

    const form = formLines({ friendlyName: "Contoso", tenantId: h.tenantId, appId: result.connection.appId, organization: FORGED }).join("\n");
    expect(form).not.toMatch(RAW_CONTROL);
    expect(form.split("\n")).toHaveLength(4);

    const logged = prettyLine(JSON.stringify({ level: 30, msg: `created: application ${FORGED}`, tenant: FORGED }), false);
    expect(logged.trimEnd()).not.toMatch(RAW_CONTROL);
    expect(logged.trimEnd().split("\n")).toHaveLength(1);
  });
});
