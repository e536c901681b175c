/**
 * A fake tenant wired to the real Graph door through msw, plus a signed-in Session for the library
 * API. One virtual clock is shared by the tool and the fake, so replication lag and backoff pass
 * instantly while keeping their order.
 */
import { setupServer } from "msw/node";
import { cloudOf, type CloudName } from "../../src/core/clouds.js";
import type { Session } from "../../src/core/session.js";
import { DELEGATED_SCOPES, ROLE_TEMPLATE } from "../../src/core/well-known.js";
import { FakeGraph } from "../../src/fake/fake-graph.js";
import { unsignedToken } from "../../src/fake/tokens.js";
import { DEFAULT_ADMIN_ID, DEFAULT_MEMBER_ID } from "../../src/fake/users.js";
import type { FaultOptions, SeedTenant, TokenClaims } from "../../src/fake/types.js";
import { createGraph } from "../../src/graph/graph-client.js";
import { virtualClock } from "../../src/shared/clock.js";
import { graphHandlers } from "./msw-graph.js";

export const GRAPH_ROOT = "https://graph.microsoft.com";

/** msw server for a test file: `const msw = mswServer(); beforeAll(msw.listen) …`. */
export function mswServer() {
  const server = setupServer();
  return {
    server,
    listen: () => server.listen({ onUnhandledRequest: "error" }),
    reset: () => server.resetHandlers(),
    close: () => server.close(),
  };
}

/** The roles the fake tenant's default admin user (DEFAULT_ADMIN_ID) holds. */
export const ADMIN_WIDS = [ROLE_TEMPLATE.privilegedRoleAdministrator, ROLE_TEMPLATE.cloudApplicationAdministrator];

export function adminToken(tenantId: string, overrides: Partial<TokenClaims> = {}): string {
  return unsignedToken({ tid: tenantId, scp: DELEGATED_SCOPES.join(" "), wids: ADMIN_WIDS, oid: DEFAULT_ADMIN_ID, ...overrides });
}

/**
 * The fake tenant's default plain member (DEFAULT_MEMBER_ID): no directory role, the tool's
 * delegated scopes consented. With "Users can register applications" on (the default) they can
 * register an app, which they then own.
 */
export function memberToken(tenantId: string, overrides: Partial<TokenClaims> = {}): string {
  return unsignedToken({ tid: tenantId, scp: DELEGATED_SCOPES.join(" "), oid: DEFAULT_MEMBER_ID, ...overrides });
}

export interface HarnessOptions {
  tenants?: SeedTenant[];
  faults?: FaultOptions;
  claims?: Partial<TokenClaims>;
  /** The Microsoft cloud the session is in (its Graph root is where the fake answers); default global. */
  cloud?: CloudName;
}

export function createHarness(server: ReturnType<typeof setupServer>, options: HarnessOptions = {}) {
  const clock = virtualClock();
  const fake = new FakeGraph({ clock, tenants: options.tenants ?? [{ displayName: "Contoso", initialDomain: "contoso.onmicrosoft.com" }], ...(options.faults ? { faults: options.faults } : {}) });
  const graphRoot = options.cloud ? cloudOf(options.cloud).graph : GRAPH_ROOT;
  server.use(...graphHandlers(fake, graphRoot));
  const tenantId = fake.tenantIds()[0] ?? "";
  const token = adminToken(tenantId, options.claims);
  const session = (overrides: Partial<TokenClaims> = {}): Session => {
    const t = Object.keys(overrides).length > 0 ? adminToken(tenantId, { ...options.claims, ...overrides }) : token;
    return {
      graph: createGraph({ graphUrl: graphRoot, getToken: async () => t, clock, random: () => 0.5 }),
      tenantId,
      claims: { tid: tenantId, scp: DELEGATED_SCOPES.join(" "), wids: ADMIN_WIDS, oid: DEFAULT_ADMIN_ID, ...options.claims, ...overrides },
      clock,
      simulated: false,
      ...(options.cloud ? { cloud: options.cloud } : {}),
    };
  };
  return { clock, fake, tenantId, tenant: fake.tenant(tenantId), session, token };
}
