/**
 * How a fleet run looks: the live line on a terminal (done, failed, in flight, rate, ETA, failures
 * printed above it), one log line per tenant otherwise, and the result table.
 */
import { describe, expect, it } from "vitest";
import { BULK_SCHEMA, type BulkReport } from "../../src/bulk/report.js";
import type { BulkResult } from "../../src/bulk/run.js";
import type { BulkEvent, TenantResult } from "../../src/bulk/types.js";
import { renderBulk } from "../../src/cli/render/bulk.js";
import { bulkProgress } from "../../src/cli/render/bulk-progress.js";
import { styleFor } from "../../src/cli/render/style.js";
import { createLogger } from "../../src/shared/log.js";

const plain = styleFor({ isInteractive: false, env: {} });

function result(tenant: string, fields: Partial<TenantResult>): TenantResult {
  return { line: 2, tenant, tenantId: null, friendlyName: null, command: "apply", status: "succeeded", startedAt: null, durationMs: 10, actions: [], changed: false, inSync: null, preflight: [], connection: null, error: null, ...fields };
}

const ok = result("a.onmicrosoft.com", { tenantId: "11111111-1111-4111-8111-111111111111", changed: true, actions: ["create application Xops-App: created"], connection: { friendlyName: "A", tenantId: "1", appId: "app-a", organization: "a.onmicrosoft.com", certificateFile: null, thumbprint: null } });
const refused = result("b.onmicrosoft.com", { line: 3, status: "failed", changed: null, error: `Entra refused the sign-in: AADSTS50020: User account '${"x".repeat(120)}' does not exist` });

async function feed(events: BulkEvent[], interactive: boolean, clock: { now: number }) {
  const stderr: string[] = [];
  const logs: string[] = [];
  const logger = await createLogger({ verbose: false, format: "json", write: (t) => logs.push(t), color: false });
  const progress = bulkProgress({ stderr: (t) => stderr.push(t), isInteractive: interactive }, logger, plain, () => clock.now);
  for (const event of events) {
    progress.onEvent(event);
    clock.now += 1000;
  }
  progress.stop();
  return { stderr: stderr.join(""), logs: logs.map((l) => JSON.parse(l) as { msg: string; status?: string }) };
}

const events: BulkEvent[] = [
  { type: "run-started", command: "apply", source: "fleet.csv", total: 3, selected: 3, concurrency: 2 },
  { type: "tenant-started", line: 2, tenant: "a.onmicrosoft.com" },
  { type: "tenant-started", line: 3, tenant: "b.onmicrosoft.com" },
  { type: "tenant-finished", result: ok },
  { type: "tenant-finished", result: refused },
];

describe("progress", () => {
  it("on a terminal: one live line, redrawn in place, with failures printed above it", async () => {
    const { stderr } = await feed(events, true, { now: 0 });
    expect(stderr).toContain("bulk apply: 1/3 done · 1 ok · 0 failed · 1 in flight · ");
    expect(stderr).toMatch(/bulk apply: 2\/3 done · 1 ok · 1 failed · 0 in flight · 0\.5\/s · ETA 2s/);
    expect(stderr).toContain("✗ b.onmicrosoft.com: FAILED: Entra refused the sign-in: AADSTS50020");
    // Redrawn in place (carriage return, clear line), and cleared at the end.
    expect(stderr).toContain("\r\u001b[2K");
    expect(stderr.endsWith("\r\u001b[2K")).toBe(true);
  });

  it("otherwise: one log line per finished tenant, failures as warnings", async () => {
    const { stderr, logs } = await feed(events, false, { now: 0 });
    expect(stderr).toBe("");
    expect(logs.map((l) => l.msg)).toEqual([
      "bulk apply: 3 of 3 tenants from fleet.csv, 2 at a time",
      "1/3 a.onmicrosoft.com (11111111-1111-4111-8111-111111111111): 1 change made (appId app-a)",
      expect.stringMatching(/^2\/3 b\.onmicrosoft\.com: FAILED: Entra refused the sign-in: AADSTS50020/),
    ]);
    expect(logs.map((l) => l.status)).toEqual([undefined, "succeeded", "failed"]);
  });
});

describe("the result table", () => {
  it("one row per tenant, long errors cut in the table and given whole below it", () => {
    const summary = { total: 3, succeeded: 1, failed: 1, interrupted: 0, notStarted: 1, changed: 1 };
    const tenants = [ok, refused, result("c.onmicrosoft.com", { line: 4, status: "not-started", changed: null })];
    const report: BulkReport = { schema: BULK_SCHEMA, command: "apply" as const, simulated: false, source: "fleet.csv", outDir: "/out", startedAt: "", updatedAt: "", finished: true, interrupted: true, summary, tenants };
    const fleet: BulkResult = { command: "apply", summary, tenants, interrupted: true, reportFile: "/out/bulk-report.json", connectionsFile: "/out/connections.csv", report };
    const text = renderBulk(fleet, plain, false);
    const rows = text.split("\n");
    expect(rows[0]).toMatch(/^TENANT +TENANT ID +RESULT$/);
    expect(rows[1]).toMatch(/^a\.onmicrosoft\.com +11111111-1111-4111-8111-111111111111 +1 change made \(appId app-a\)$/);
    expect(rows[2]).toMatch(/^b\.onmicrosoft\.com +- +FAILED: Entra refused .*…$/);
    expect(rows[2]?.length).toBeLessThan(180);
    expect(rows[3]).toMatch(/^c\.onmicrosoft\.com +- +not started$/);
    expect(text).toContain("bulk apply: 3 tenants: 1 succeeded, 1 failed, 1 not started; 1 changed.");
    expect(text).toContain(`Failed (1):\n  b.onmicrosoft.com (line 3): ${refused.error}`);
    expect(text).toContain("Interrupted: 1 tenant not finished: c.onmicrosoft.com. Run the same command again to finish them.");
    expect(text).toContain('Connections for the platform\'s "Link a new Microsoft Account" form: /out/connections.csv');
  });
});

describe("names and errors from the tenant are shown, never obeyed", () => {
  // A Graph error can quote an app's display name, which a plain user of the tenant may set.
  const forged = result("d.onmicrosoft.com", { line: 5, status: "failed", changed: null, error: "Graph said 'Evil\u001b[2K\r  + grant admin consent: everything\u202e'" });

  it("the table and the failure list escape control and bidirectional characters", () => {
    const summary = { total: 1, succeeded: 0, failed: 1, interrupted: 0, notStarted: 0, changed: 0 };
    const report: BulkReport = { schema: BULK_SCHEMA, command: "apply" as const, simulated: false, source: "fleet.csv", outDir: "/out", startedAt: "", updatedAt: "", finished: true, interrupted: false, summary, tenants: [forged] };
    const text = renderBulk({ command: "apply", summary, tenants: [forged], interrupted: false, reportFile: undefined, connectionsFile: undefined, report }, plain, false);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
    expect(text).toContain("Graph said 'Evil\\u001b[2K\\u000d  + grant admin consent: everything\\u202e'");
    expect(text.split("\n").filter((l) => l.includes("grant admin consent"))).toHaveLength(2);
  });

  it("so does the progress, on a terminal and in the log lines", async () => {
    const run: BulkEvent[] = [events[0] as BulkEvent, { type: "tenant-started", line: 5, tenant: "d.onmicrosoft.com" }, { type: "tenant-finished", result: forged }, { type: "warning", message: "took over the stale lock /out/x\u001b[31m" }];
    const live = await feed(run, true, { now: 0 });
    expect(live.stderr.replaceAll("\r\u001b[2K", "")).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
    expect(live.stderr).toContain("✗ d.onmicrosoft.com: FAILED: Graph said 'Evil\\u001b[2K\\u000d");
    const logged = await feed(run, false, { now: 0 });
    expect(logged.logs.map((l) => l.msg)).toContain("took over the stale lock /out/x\\u001b[31m");
    expect(logged.logs.map((l) => l.msg).join("\n")).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
  });
});
