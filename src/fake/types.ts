import type { FakeCloud } from "./clouds.js";

/**
 * The fake tenant's wire-level contract: an HTTP-ish request in, an HTTP-ish response out. The msw
 * handlers (unit tests) and the sandbox's node:https server are both thin adapters over this.
 */
export interface FakeRequest {
  method: string;
  /** Path and query after the Graph version root, e.g. "/applications?$filter=displayName%20eq%20'X'". */
  url: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Parsed JSON body, if any. */
  body?: unknown;
  /**
   * The version root the client used, e.g. "https://graph.microsoft.com/v1.0"; absolute
   * `@odata.nextLink` and `@odata.context` values are built from it. Default: the global Graph root.
   */
  baseUrl?: string;
}

export interface FakeResponse {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** JSON body; undefined for 204. */
  body?: unknown;
}

/** Fault knobs, settable when the fake is built and changeable at run time. */
export interface FaultOptions {
  /** Added to every top-level request before it is answered (ms). */
  latencyMs?: number;
  /** Replication delay: created/updated objects stay invisible (or stale) to reads and references for this long (ms). */
  lagMs?: number;
  /** Probability (0..1) that a request (or a $batch item) is answered 429 with Retry-After. */
  throttleRate?: number;
  /** The Retry-After value sent with 429s, as Graph sends it (seconds, may be fractional), default "0.2". */
  retryAfter?: string;
  /** Probability (0..1) that a request (or a $batch item) is answered 503. */
  failRate?: number;
  /** Seed for the fault dice, so a failing run can be replayed. */
  seed?: number;
}

/** Claims read from a bearer token (defined with the decoder in src/shared/jwt.ts). */
export type { TokenClaims } from "../shared/jwt.js";

/** One request as the fake saw it; the bench and tests count writes and sequential depth from these. */
export interface RequestLogEntry {
  method: string;
  url: string;
  tenantId: string | undefined;
  status: number;
  startedAt: number;
  endedAt: number;
  /** Set for an item inside a $batch: the index (in the log) of the outer POST /$batch entry. */
  batchIndex?: number;
  /**
   * Top-level entries only: the wave this round trip belongs to. A new wave opens when a request
   * arrives while no other top-level request is in flight (counted live, so it works with a
   * virtual clock where every request starts and ends at the same instant).
   */
  wave?: number;
}

export interface RequestStats {
  /** Graph operations: top-level requests other than /$batch, plus every item inside a batch. */
  requests: number;
  /** Of those, POST/PATCH/DELETE (a $batch envelope itself is not a write). */
  writes: number;
  /** Top-level HTTP round trips, /$batch envelopes included. */
  roundTrips: number;
  /** Waves of round trips: a top-level request that starts while none is in flight opens a new wave. */
  sequentialDepth: number;
}

/** The fake tenant seen as data: what tests assert on and what the sandbox's authority reads. */
export interface SeedTenant {
  id?: string;
  /** Organization display name, e.g. "Contoso". */
  displayName?: string;
  /** The initial *.onmicrosoft.com domain, e.g. "contoso.onmicrosoft.com". */
  initialDomain?: string;
  /** false: no "Office 365 Exchange Online" service principal (tenant without Exchange licences). */
  hasExchange?: boolean;
  /** The Microsoft cloud the tenant lives in (default global): its first-party APIs (clouds.ts). */
  cloud?: FakeCloud;
  /**
   * The tenant's users. Default: the test harness admin (DEFAULT_ADMIN_ID, Privileged Role
   * Administrator + Cloud Application Administrator) and a plain member (DEFAULT_MEMBER_ID, no roles).
   * `[]` seeds none.
   */
  users?: SeedUser[];
  /** "Users can register applications" (authorizationPolicy allowedToCreateApps); default true. */
  usersCanRegisterApps?: boolean;
  /** The tenant-wide app management policy; default: disabled, no restrictions (as a new tenant has). */
  appManagementPolicy?: AppManagementPolicySeed;
}

/** A user of a seeded tenant; `roles` become unified role assignments at the tenant scope ("/"). */
export interface SeedUser {
  id?: string;
  displayName: string;
  /** Default: a slug of the display name at the tenant's initial domain. */
  userPrincipalName?: string;
  /** Built-in role template ids, e.g. RoleTemplateIds.GlobalAdministrator. */
  roles?: string[];
}

/** One `applicationRestrictions.keyCredentials` entry of the tenantAppManagementPolicy. */
export interface KeyCredentialRestrictionSeed {
  restrictionType: "asymmetricKeyLifetime";
  /** ISO 8601 duration in days and time parts, e.g. "P365D" or "P90DT12H". */
  maxLifetime: string;
  /** Applies to apps created at or after this instant; default: every app. */
  restrictForAppsCreatedAfterDateTime?: string | null;
  /** Default "enabled". */
  state?: "enabled" | "disabled";
}

export interface AppManagementPolicySeed {
  isEnabled: boolean;
  /** Default "00000000-0000-0000-0000-000000000000", as the Graph API reference example shows. */
  id?: string;
  keyCredentials?: KeyCredentialRestrictionSeed[];
}
