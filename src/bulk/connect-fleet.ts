/**
 * Signing in to a fleet: a Session per tenant for the one pipeline. With GDAP (the default), the
 * partner's admin signs in once and each tenant's token is redeemed silently (auth/fleet-sign-in.ts);
 * with `signInPerTenant`, each tenant is signed in to in turn, interactively, for MSPs without GDAP
 * (one sign-in at a time, so prompts never interleave); `azure-cli` asks az for each tenant's token.
 */
import type { AuthMethod } from "../auth/sign-in.js";
import { connect, type ConnectOptions } from "../connect.js";
import { cloudOf } from "../core/clouds.js";
import type { Session } from "../core/session.js";
import { createGraph, type FetchLike, type GraphLogEntry } from "../graph/graph-client.js";
import type { RetryEvent } from "../graph/types.js";
import { realClock, type Clock } from "../shared/clock.js";
import { AppError, InputError } from "../shared/errors.js";
import { decodeTokenClaims } from "../shared/jwt.js";

/** connect()'s options, for many tenants: where the partner signs in, and events that name their tenant. */
export type FleetConnectOptions = Omit<ConnectOptions, "tenant" | "onRetry" | "log"> & {
  /** browser or device-code (GDAP, or each tenant with signInPerTenant), or azure-cli (az, per tenant). */
  method: AuthMethod;
  /** GDAP: the partner's own tenant (id or domain); default "organizations", the admin's home tenant. */
  partnerTenant?: string | undefined;
  /** Sign in to each tenant in turn instead of once through GDAP. */
  signInPerTenant?: boolean | undefined;
  onRetry?: ((tenant: string, event: RetryEvent) => void) | undefined;
  log?: ((tenant: string, entry: GraphLogEntry) => void) | undefined;
};

export interface FleetConnection {
  mode: "gdap" | "per-tenant";
  /** GDAP: who signed in, where. */
  partner: { tenantId: string; account: string | undefined } | undefined;
  /** Signs in to one tenant (id or domain) and returns its Session; a refusal throws with Entra's reason. */
  session(tenant: string): Promise<Session>;
}

export async function connectFleet(options: FleetConnectOptions): Promise<FleetConnection> {
  const clock = options.clock ?? realClock();
  const env = options.env ?? process.env;
  if (options.method === "access-token") {
    throw new InputError("bulk cannot use --auth access-token: one token reaches one tenant. Use browser or device-code (one sign-in through GDAP, or --sign-in-per-tenant), or azure-cli.");
  }
  const method = options.method;
  if (options.signInPerTenant === true || method === "azure-cli") return perTenantConnection(options, env, clock);

  const { signInFleet } = await import("../auth/fleet-sign-in.js");
  const fleet = await signInFleet({
    method,
    partnerTenant: options.partnerTenant,
    clientId: options.clientId,
    cloud: options.cloud,
    authorityHost: options.authorityHost,
    ca: options.ca,
    env,
    onDeviceCode: options.onDeviceCode,
    tokenCache: options.tokenCache,
    onTokenCache: options.onTokenCache,
    onCacheNote: options.onCacheNote,
  });
  // One connection pool to Graph for the whole fleet.
  const fetch: FetchLike | undefined = options.ca ? (await import("../graph/https-fetch.js")).httpsFetch({ ca: options.ca }) : undefined;
  return {
    mode: "gdap",
    partner: { tenantId: fleet.partnerTenantId, account: fleet.account },
    session: async (tenant) => {
      const source = fleet.tenant(tenant);
      const claims = decodeTokenClaims(await source.getToken());
      if (!claims) throw new AppError(`The token for tenant ${tenant} names no tenant (no tid claim).`);
      const graph = createGraph({
        graphUrl: options.graphUrl ?? cloudOf(options.cloud).graph,
        getToken: source.getToken,
        clock,
        ...(fetch ? { fetch } : {}),
        ...(options.onRetry ? { onRetry: (e: RetryEvent) => options.onRetry?.(tenant, e) } : {}),
        ...(options.log ? { log: (entry: GraphLogEntry) => options.log?.(tenant, entry) } : {}),
      });
      return { graph, tenantId: claims.tid, claims, clock, simulated: options.simulated ?? false, cloud: cloudOf(options.cloud).name };
    },
  };
}

function perTenantConnection(options: FleetConnectOptions, env: Readonly<Record<string, string | undefined>>, clock: Clock): FleetConnection {
  // Interactive sign-ins one at a time: two device codes (or browser tabs) at once would confuse anyone.
  let turn: Promise<unknown> = Promise.resolve();
  const interactive = options.method === "browser" || options.method === "device-code";
  return {
    mode: "per-tenant",
    partner: undefined,
    session: (tenant) => {
      const signIn = () =>
        connect({
          method: options.method,
          tenant,
          clientId: options.clientId,
          cloud: options.cloud,
          graphUrl: options.graphUrl,
          authorityHost: options.authorityHost,
          ca: options.ca,
          env,
          ...(options.onDeviceCode ? { onDeviceCode: options.onDeviceCode } : {}),
          ...(options.tokenCache !== undefined ? { tokenCache: options.tokenCache } : {}),
          ...(options.onTokenCache ? { onTokenCache: options.onTokenCache } : {}),
          ...(options.onCacheNote ? { onCacheNote: options.onCacheNote } : {}),
          ...(options.onRetry ? { onRetry: (e: RetryEvent) => options.onRetry?.(tenant, e) } : {}),
          ...(options.log ? { log: (entry: GraphLogEntry) => options.log?.(tenant, entry) } : {}),
          clock,
          simulated: options.simulated ?? false,
        });
      if (!interactive) return signIn();
      const next = turn.then(signIn, signIn);
      turn = next.catch(() => undefined);
      return next;
    },
  };
}
