/** Library entry for signing in: a Session the pipeline functions accept. */
import type { TokenCacheOptions, TokenCacheStatus } from "./auth/sign-in-cache.js";
import { signIn, type AuthMethod } from "./auth/sign-in.js";
import { cloudOf, type CloudName } from "./core/clouds.js";
import type { Session } from "./core/session.js";
import { createGraph, type GraphLogEntry } from "./graph/graph-client.js";
import type { RetryEvent } from "./graph/types.js";
import { realClock, type Clock } from "./shared/clock.js";

export interface ConnectOptions {
  method: AuthMethod;
  tenant?: string | undefined;
  clientId?: string | undefined;
  /**
   * The Microsoft cloud of the tenant (default global): its sign-in authority, Graph root and the
   * resource identifiers scopes name (clouds.ts). graphUrl and authorityHost, when given, replace the
   * cloud's (a mock or proxy of its Graph, the sandbox), while scopes still name the cloud's resources.
   */
  cloud?: CloudName | undefined;
  /** Graph root (default: the cloud's, https://graph.microsoft.com). */
  graphUrl?: string | undefined;
  authorityHost?: string | undefined;
  /** Trust exactly this CA (the sandbox's). */
  ca?: string | undefined;
  env?: Readonly<Record<string, string | undefined>>;
  onDeviceCode?: (message: string) => void;
  /**
   * Keep a browser or device-code sign-in between runs, as Azure CLI does (default true): the token
   * cache and AuthenticationRecord in ENTRA_ONBOARD_CACHE_DIR or the per-user cache directory,
   * encrypted with a key in the OS keyring where one answers. false neither reads nor writes it.
   */
  tokenCache?: boolean | TokenCacheOptions;
  /** Told once per sign-in that used the cache: where, encrypted or not, reused or saved. */
  onTokenCache?: (status: TokenCacheStatus) => void;
  /** Why a cached sign-in could not be used (debug detail; never a token). */
  onCacheNote?: (note: string) => void;
  onRetry?: (event: RetryEvent) => void;
  /** Debug trace of each Graph exchange (never carries tokens). */
  log?: (entry: GraphLogEntry) => void;
  clock?: Clock;
  /** Mark outputs as coming from a simulated tenant. */
  simulated?: boolean;
}

export async function connect(options: ConnectOptions): Promise<Session> {
  const clock = options.clock ?? realClock();
  const cloud = cloudOf(options.cloud);
  const signed = await signIn({
    method: options.method,
    cloud: cloud.name,
    tenant: options.tenant,
    clientId: options.clientId,
    authorityHost: options.authorityHost,
    ca: options.ca,
    env: options.env ?? process.env,
    onDeviceCode: options.onDeviceCode,
    tokenCache: options.tokenCache,
    onTokenCache: options.onTokenCache,
    onCacheNote: options.onCacheNote,
  });
  const fetch = options.ca ? (await import("./graph/https-fetch.js")).httpsFetch({ ca: options.ca }) : undefined;
  const graph = createGraph({
    graphUrl: options.graphUrl ?? cloud.graph,
    getToken: signed.getToken,
    clock,
    ...(fetch ? { fetch } : {}),
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  return { graph, tenantId: signed.tenantId, claims: signed.claims, clock, simulated: options.simulated ?? false, cloud: cloud.name };
}
