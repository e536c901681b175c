/**
 * Shared checks for the e2e tests: temp --out directories, fixture paths, and a read of the fake
 * tenant's TRUTH that says what the tool left behind (apps, service principals, grants, roles,
 * certificates). Tests assert on this state, never on the requests that produced it.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { EXCHANGE_APP_ID, GRAPH_APP_ID, ROLE_TEMPLATE } from "../../src/core/well-known.js";
import { mswServer, type createHarness } from "../support/harness.js";
import { readFileSync } from "node:fs";
import { parseCertificateFile } from "../../src/cert/inspect.js";

export type Harness = ReturnType<typeof createHarness>;

export const BYO_THUMBPRINT = fixtureThumbprint("byo.cer");
export const FOREIGN_THUMBPRINT = fixtureThumbprint("foreign.pem");

export const EXCHANGE_MANAGE = `${EXCHANGE_APP_ID}/Exchange.ManageAsApp`;
export const ACCESS_REVIEW = `${GRAPH_APP_ID}/AccessReview.Read.All`;

export function fixture(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/certs/${name}`, import.meta.url));
}

function fixtureThumbprint(name: string): string {
  return parseCertificateFile(readFileSync(fixture(name)), name).thumbprint;
}

/**
 * The per-file wiring every e2e test needs: an msw server (no unhandled requests allowed) and
 * temporary --out directories, reset after each test.
 */
export function useFakeTenantSuite() {
  const msw = mswServer();
  const dirs = tempDirs();
  beforeAll(msw.listen);
  afterEach(msw.reset);
  afterEach(dirs.cleanup);
  afterAll(msw.close);
  return { msw, dirs };
}

/** Temp directories for one test file; call `cleanup` in afterEach. */
export function tempDirs() {
  const made: string[] = [];
  return {
    make: async (prefix = "eo-e2e-") => {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    cleanup: async () => {
      await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

/** "resourceAppId/value" for every app role assignment held by the service principal. */
export function grantedValues(h: Harness, spId: string): string[] {
  const sps = h.tenant.servicePrincipals();
  return h.tenant.appRoleAssignmentsFor(spId).map((a) => {
    const resource = sps.find((s) => s.id === a.resourceId);
    return `${resource?.appId}/${resource?.appRoles.find((r) => r.id === a.appRoleId)?.value}`;
  });
}

/** Directory role display names assigned to the principal (duplicates kept, so tests can see them). */
export function roleNames(h: Harness, spId: string): string[] {
  return h.tenant.roleAssignmentsFor(spId).map((r) => h.tenant.roleDefinition(r.roleDefinitionId)?.displayName ?? r.roleDefinitionId);
}

export interface TenantState {
  appCount: number;
  appId: string;
  objectId: string;
  spCount: number;
  spId: string;
  grants: string[];
  roles: string[];
  thumbprints: string[];
}

/** The one app named `name` and everything hanging off it, read from the fake's truth. */
export function stateOf(h: Harness, name = "Xops-App"): TenantState {
  const apps = h.tenant.applications().filter((a) => a.displayName === name);
  const app = apps[0];
  if (!app) throw new Error(`no application named ${name}`);
  const sps = h.tenant.servicePrincipals().filter((s) => s.appId === app.appId);
  const spId = sps[0]?.id ?? "";
  return {
    appCount: apps.length,
    appId: app.appId,
    objectId: app.id,
    spCount: sps.length,
    spId,
    grants: spId ? grantedValues(h, spId).sort() : [],
    roles: spId ? roleNames(h, spId).sort() : [],
    thumbprints: h.tenant.keyCredentials(app.appId).map((k) => (k.customKeyIdentifier ?? "").toUpperCase()),
  };
}

/** The xops end state: exactly one app, one SP, both grants once, Global Reader once. */
export function expectXopsConverged(h: Harness, name = "Xops-App"): TenantState {
  const s = stateOf(h, name);
  expect(s.appCount).toBe(1);
  expect(h.tenant.applications()).toHaveLength(1);
  expect(s.spCount).toBe(1);
  expect(s.grants).toEqual([ACCESS_REVIEW, EXCHANGE_MANAGE].sort());
  expect(s.roles).toEqual(["Global Reader"]);
  expect(h.tenant.roleAssignmentsFor(s.spId).map((r) => r.roleDefinitionId.toLowerCase())).toEqual([ROLE_TEMPLATE.globalReader]);
  return s;
}
