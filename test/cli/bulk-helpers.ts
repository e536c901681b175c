/**
 * What the bulk tests read from a sandbox's tenants (the fake's truth, never the tool's output):
 * whether a tenant holds exactly one converged app, and how many writes it got since a point.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";
import { EXCHANGE_APP_ID, GRAPH_APP_ID, ROLE_TEMPLATE } from "../../src/core/well-known.js";
import type { Sandbox } from "../../src/sandbox/server.js";

const WRITES = new Set(["POST", "PATCH", "PUT", "DELETE"]);

/** Graph writes the tenant received since request-log index `since` ($batch envelopes are not writes, their items are). */
export function writesIn(sandbox: Sandbox, tenantId: string, since: number): number {
  return sandbox.fake.requests.slice(since).filter((e) => e.tenantId === tenantId && WRITES.has(e.method) && !(e.batchIndex === undefined && /\$batch/.test(e.url))).length;
}

/** Graph requests of any kind the tenant received since `since`. */
export function requestsIn(sandbox: Sandbox, tenantId: string, since: number): number {
  return sandbox.fake.requests.slice(since).filter((e) => e.tenantId === tenantId).length;
}

/** The xops end state: exactly one app named `name`, one service principal, both grants, Global Reader. Returns the app id. */
export function expectConverged(sandbox: Sandbox, tenantId: string, name = "Xops-App"): string {
  const tenant = sandbox.fake.tenant(tenantId);
  const apps = tenant.applications().filter((a) => a.displayName === name);
  expect(apps, `apps named ${name} in ${tenantId}`).toHaveLength(1);
  const app = apps[0];
  const sps = tenant.servicePrincipals().filter((s) => s.appId === app?.appId);
  expect(sps).toHaveLength(1);
  const sp = sps[0];
  const resources = tenant.servicePrincipals();
  const grants = tenant.appRoleAssignmentsFor(sp?.id ?? "").map((a) => {
    const resource = resources.find((r) => r.id === a.resourceId);
    return `${resource?.appId}/${resource?.appRoles.find((r) => r.id === a.appRoleId)?.value}`;
  });
  expect(grants.sort()).toEqual([`${EXCHANGE_APP_ID}/Exchange.ManageAsApp`, `${GRAPH_APP_ID}/AccessReview.Read.All`].sort());
  expect(tenant.roleAssignmentsFor(sp?.id ?? "").map((r) => r.roleDefinitionId.toLowerCase())).toEqual([ROLE_TEMPLATE.globalReader]);
  expect(tenant.keyCredentials(app?.appId ?? "")).toHaveLength(1);
  return app?.appId ?? "";
}

/** expectConverged as a yes/no, for "which tenants had finished when the run was killed". */
export function isConverged(sandbox: Sandbox, tenantId: string, name = "Xops-App"): boolean {
  const tenant = sandbox.fake.tenant(tenantId);
  const apps = tenant.applications().filter((a) => a.displayName === name);
  const sp = tenant.servicePrincipals().find((s) => s.appId === apps[0]?.appId);
  return apps.length === 1 && sp !== undefined && tenant.appRoleAssignmentsFor(sp.id).length === 2 && tenant.roleAssignmentsFor(sp.id).length === 1;
}

export function appCount(sandbox: Sandbox, tenantId: string, name = "Xops-App"): number {
  return sandbox.fake.tenant(tenantId).applications().filter((a) => a.displayName === name).length;
}

/** A tenants file (CSV) with these rows under a header. */
export async function tenantsFile(dir: string, name: string, header: string, rows: string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, [header, ...rows, ""].join("\r\n"));
  return path;
}

export interface ReportTenant {
  tenant: string;
  tenantId: string | null;
  status: string;
  error: string | null;
  changed: boolean | null;
  connection: { appId: string; tenantId: string } | null;
}

export async function readBulkReport(out: string): Promise<{ schema: string; finished: boolean; interrupted: boolean; tenants: ReportTenant[]; summary: Record<string, number> }> {
  return JSON.parse(await readFile(join(out, "bulk-report.json"), "utf8")) as never;
}
