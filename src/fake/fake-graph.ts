/**
 * FakeGraph: an in-memory Microsoft Graph v1.0 for the onboarding subset, following the Graph API
 * reference pages cited in each route file. Plain TypeScript, no test framework: msw handlers
 * (test/support/msw-graph.ts) and the sandbox's HTTPS server are thin adapters over `handle()`.
 *
 * Modelled: applications (uniqueName upsert, keyCredentials, owners), service principals (owners,
 * app role assignments), users (seeded, with directory roles as unified role assignments), unified
 * role assignments, the tenant's app management policy and "Users can register applications",
 * organization/domains, $batch, lag, throttling and 503s.
 *
 * What the fake does NOT model (like controller-runtime's fake/doc.go — know these before trusting
 * a green test):
 * - Groups, guests, administrative units, oauth2PermissionGrants, directoryRoles (legacy),
 *   deletedItems/restore, addKey/removeKey, addPassword, federated credentials,
 *   applicationTemplates, custom roles, PIM. Users exist only as seeded (tenant seed or
 *   `addUser`): no POST/PATCH/DELETE /users.
 * - Deletion is immediate and final (no soft delete, no 30-day restore, no lag on deletes); a
 *   deleted app's uniqueName is free again at once [unverified in Graph].
 * - Replication lag is one global `lagMs` for every object and every reader; real Entra varies per
 *   replica and is usually shorter for delegated calls. Alternate-key writes (uniqueName/appId)
 *   always see the truth; id-addressed writes see the lagged view. Permission decisions (owners
 *   included) are made on the truth.
 * - Token checks: only the signature/claims check injected as `verifyToken`; `aud`, `exp`, `nbf`
 *   are not checked here (the sandbox's verifier may). Tenant comes from `tid`. Directory roles
 *   come from the token's `wids`, not from the tenant's role assignments of `oid`: a hand-made
 *   token can claim roles its user does not hold (the sandbox issues `wids` matching its users).
 * - Permission checks (auth.ts) cover: app registration ("Users can register applications", App
 *   Developer, app admin roles); updating/deleting apps and SPs (owners or GA/App Admin/Cloud App
 *   Admin; app-only Application.ReadWrite.All or OwnedBy on owned objects); SP creation (app admin
 *   roles, or an owner of a single-tenant app with Application Developer); owners by $ref (OwnedBy
 *   not enough); grants (PRA/GA for Microsoft Graph roles); role assignments (PRA/GA); reads of
 *   /organization, access reviews, policies, users, owners and /directoryObjects. Not modelled:
 *   restricted default member permissions other than app registration, partial app writes by
 *   Directory Writers / Hybrid Identity / Security Administrators, the per-user app quota, the 403
 *   "backing application … local tenant" for OwnedBy. Other reads need only a valid token.
 * - Owners: only users and service principals; no "last owner" rule; a delegated user who creates
 *   a service principal does not become its owner [unverified]; an owner id that names no object
 *   is kept but left out of owner listings. Limited information (only `@odata.type` and `id`) is
 *   returned per object type the caller may not read.
 * - App management policy: only the tenant default policy's application keyCredentials
 *   `asymmetricKeyLifetime` (durations in weeks/days/time parts); no per-app appManagementPolicies,
 *   password/symmetric/trusted-CA restrictions, service principal restrictions or excludeActors;
 *   read-only over Graph (tests set it through the seed or `setAppManagementPolicy`). Its
 *   CredentialInvalidLifetimeAsPerAppPolicy answer is observed for passwords, [unverified] for
 *   certificates.
 * - Throttling is random dice (throttleRate), not token buckets; no x-ms-resource-unit /
 *   x-ms-throttle-* headers; no MSA-audience 60 writes/min limit; no 504s; the $batch envelope itself
 *   is never faulted (its items are).
 * - OData: `$filter` only `eq` / `in` joined by `and` on a few properties per collection; no
 *   `$search`, `$orderby`, `$count`, `$expand`, ConsistencyLevel/advanced queries; unknown `$select`
 *   names are dropped silently (Graph answers 400).
 * - keyCredentials: only AsymmetricX509Cert/Verify; no Symmetric or X509CertAndPassword; an echoed
 *   expired credential is accepted (Graph reportedly rejects the whole PATCH); uploading the same
 *   certificate twice under new keyIds is accepted [unverified]; no Directory_ResourceSizeExceeded;
 *   a start before the certificate's notBefore is refused with KeyCredentialsInvalidStartDate
 *   [unverified].
 * - Service principals only for apps in the same tenant or the seeded first-party apps (Graph,
 *   Exchange Online); multi-tenant apps from other fake tenants are not visible.
 * - App role assignments only to service principals; role assignments only with directoryScopeId,
 *   to service principals and users; built-in role definitions only.
 * - No MSA "Error_MsaAppDoesNotExist" 409s.
 */
import type { Clock } from "../shared/clock.js";
import { Caller } from "./auth.js";
import { parseBatch, runBatch, type BatchItem } from "./batch.js";
import { FaultDice, throttledResponse, unavailableResponse } from "./faults.js";
import { errorResponse, FakeHttpError, requestIds, type RequestIds } from "./http.js";
import { parseUrl } from "./odata.js";
import { RequestLog } from "./request-log.js";
import { route } from "./router.js";
import type { View } from "./store.js";
import { FakeTenant } from "./tenant.js";
import { decodeTokenClaims } from "./tokens.js";
import type { FakeRequest, FakeResponse, FaultOptions, RequestLogEntry, RequestStats, SeedTenant, TokenClaims } from "./types.js";

export { FakeTenant } from "./tenant.js";

export interface FakeGraphOptions {
  clock: Clock;
  tenants?: SeedTenant[];
  faults?: FaultOptions;
  /** Claims of a valid token, or undefined. Default: decode without a signature check (unit tests). */
  verifyToken?: (token: string) => TokenClaims | undefined;
}

export const DEFAULT_GRAPH_ROOT = "https://graph.microsoft.com/v1.0";

const WWW_AUTHENTICATE = 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

function unauthorized(message: string): FakeHttpError {
  return new FakeHttpError(401, "InvalidAuthenticationToken", message, { headers: { "www-authenticate": WWW_AUTHENTICATE } });
}

/** Lets requests issued together all arrive before any is answered (and count as one wave). */
function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class FakeGraph {
  private readonly clock: Clock;
  private readonly tenantsById = new Map<string, FakeTenant>();
  private readonly verifyToken: (token: string) => TokenClaims | undefined;
  private readonly log = new RequestLog();
  private dice: FaultDice;

  constructor(options: FakeGraphOptions) {
    this.clock = options.clock;
    this.verifyToken = options.verifyToken ?? decodeTokenClaims;
    this.dice = new FaultDice(options.faults ?? {});
    const seeds = options.tenants ?? [{}];
    for (const [i, seed] of seeds.entries()) {
      const named = seed.displayName === undefined && i > 0 ? { ...seed, displayName: `Tenant${i + 1}` } : seed;
      const tenant = new FakeTenant(named, () => this.view());
      this.tenantsById.set(tenant.id.toLowerCase(), tenant);
    }
  }

  get requests(): readonly RequestLogEntry[] {
    return this.log.entries;
  }

  /** Replaces every fault knob (and reseeds the dice). */
  setFaults(faults: FaultOptions): void {
    this.dice = new FaultDice(faults);
  }

  tenantIds(): string[] {
    return [...this.tenantsById.values()].map((t) => t.id);
  }

  tenant(id: string): FakeTenant {
    const tenant = this.tenantsById.get(id.toLowerCase());
    if (tenant === undefined) throw new RangeError(`No fake tenant with id ${id}`);
    return tenant;
  }

  stats(sinceIndex?: number): RequestStats {
    return this.log.stats(sinceIndex);
  }

  async handle(req: FakeRequest): Promise<FakeResponse> {
    const entry = this.log.startTopLevel(req.method, req.url, this.clock.now());
    const latency = this.dice.options.latencyMs ?? 0;
    if (latency > 0) await this.clock.sleep(latency);
    else await nextMacrotask();
    const ids = requestIds(req.headers["client-request-id"]);
    let response: FakeResponse;
    try {
      const claims = this.authenticate(req.headers["authorization"]);
      const tenant = this.tenantsById.get(claims.tid.toLowerCase());
      if (tenant === undefined) throw unauthorized("Access token validation failure.");
      entry.tenantId = tenant.id;
      const baseUrl = (req.baseUrl ?? DEFAULT_GRAPH_ROOT).replace(/\/+$/, "");
      const url = parseUrl(req.url);
      if (url.segments.length === 1 && url.segments[0]?.name === "$batch" && req.method.toUpperCase() === "POST") {
        response = await runBatch(parseBatch(req.body), {
          run: (item, failed) => this.runBatchItem(item, failed, { tenant, claims, baseUrl, entry, outerHeaders: req.headers }),
          shuffle: (items) => this.dice.shuffle(items),
        });
      } else {
        response = this.execute({ ...req, baseUrl }, tenant, claims, ids);
      }
    } catch (error) {
      response = this.toErrorResponse(error, ids);
    }
    response = { ...response, headers: { ...response.headers, "request-id": ids.requestId, "client-request-id": ids.clientRequestId } };
    this.log.finishTopLevel(entry, response.status, this.clock.now());
    return response;
  }

  private view(): View {
    return { now: this.clock.now(), lagMs: this.dice.options.lagMs ?? 0 };
  }

  private authenticate(header: string | undefined): TokenClaims {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
    if (match?.[1] === undefined) throw unauthorized("Access token is empty.");
    const claims = this.verifyToken(match[1]);
    if (claims === undefined || typeof claims.tid !== "string") throw unauthorized("Access token validation failure.");
    return claims;
  }

  /** One Graph operation (top level or batch item): fault dice first, then the route. */
  private execute(req: FakeRequest & { baseUrl: string }, tenant: FakeTenant, claims: TokenClaims, ids: RequestIds): FakeResponse {
    const now = this.clock.now();
    const fault = this.dice.decide();
    if (fault?.kind === "throttle") return throttledResponse(now, this.dice.retryAfter, ids);
    if (fault?.kind === "unavailable") return unavailableResponse(now, fault.withRetryAfter ? this.dice.retryAfter : undefined, ids);
    try {
      return route({
        tenant,
        caller: new Caller(claims),
        method: req.method.toUpperCase(),
        url: parseUrl(req.url),
        headers: req.headers,
        body: req.body,
        baseUrl: req.baseUrl,
        view: this.view(),
      });
    } catch (error) {
      return this.toErrorResponse(error, ids);
    }
  }

  private async runBatchItem(
    item: BatchItem,
    dependencyFailed: boolean,
    outer: { tenant: FakeTenant; claims: TokenClaims; baseUrl: string; entry: RequestLogEntry; outerHeaders: Record<string, string> },
  ): Promise<FakeResponse> {
    const startedAt = this.clock.now();
    const ids = requestIds(item.headers["client-request-id"] ?? outer.outerHeaders["client-request-id"]);
    const response = dependencyFailed
      ? errorResponse(new FakeHttpError(424, "FailedDependency", "The request failed because a request it depends on failed."), startedAt, ids)
      : this.execute({ method: item.method, url: item.url, headers: { ...item.headers, authorization: outer.outerHeaders["authorization"] ?? "" }, body: item.body, baseUrl: outer.baseUrl }, outer.tenant, outer.claims, ids);
    this.log.batchItem(outer.entry, item.method, item.url, response.status, startedAt, this.clock.now());
    return response;
  }

  private toErrorResponse(error: unknown, ids: RequestIds): FakeResponse {
    if (error instanceof FakeHttpError) return errorResponse(error, this.clock.now(), ids);
    // A bug in the fake: answer 500 so the test fails loudly instead of hanging.
    const message = error instanceof Error ? error.message : String(error);
    return errorResponse(new FakeHttpError(500, "InternalServerError", `Fake Graph error: ${message}`), this.clock.now(), ids);
  }
}
