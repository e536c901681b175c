/**
 * /applications (Graph API reference: "Create application", "Get application", "Upsert
 * application", "Update application", "Delete application"): create, lookups, uniqueName upsert,
 * update, delete, keyCredentials, owners. Reads and id-addressed writes see the lagged view;
 * alternate-key writes (uniqueName, appId) see the truth so concurrent upserts converge on one app.
 * Who may write is decided on the truth (owners included), so replication never turns a 403 into
 * something else. The creator of an app becomes its owner, delegated or app-only.
 */
import { checkCertificateLifetime } from "./app-management-policy.js";
import { requireApplicationCreate, requireApplicationWrite, requireManage } from "./auth.js";
import { badRequest, noContent, notFound } from "./http.js";
import { mergeKeyCredentials, withoutKeys } from "./key-credentials.js";
import type { ApplicationJson } from "./model.js";
import { newApplication } from "./objects.js";
import { filterFrom, matchesFilter, selectedProperties, type Segment } from "./odata.js";
import {
  collection,
  entity,
  methodNotAllowed,
  objectBody,
  prefersCreateIfMissing,
  requiredString,
  unknownSegment,
  type RouteContext,
} from "./route-context.js";
import { ownersNavigation } from "./owners.js";
import type { FakeTenant } from "./tenant.js";
import type { FakeResponse } from "./types.js";

const WRITABLE = new Set([
  "addIns", "api", "appRoles", "authenticationBehaviors", "certification", "defaultRedirectUri", "description",
  "disabledByMicrosoftStatus", "displayName", "groupMembershipClaims", "identifierUris", "info", "isDeviceOnlyAuthSupported",
  "isFallbackPublicClient", "keyCredentials", "logo", "nativeAuthenticationApisEnabled", "notes", "oauth2RequirePostResponse",
  "optionalClaims", "parentalControlSettings", "passwordCredentials", "publicClient", "requestSignatureVerification",
  "requiredResourceAccess", "samlMetadataUrl", "serviceManagementReference", "servicePrincipalLockConfiguration",
  "signInAudience", "spa", "tags", "tokenEncryptionKeyId", "uniqueName", "verifiedPublisher", "web",
]);
/** Server-owned properties: accepted in a body (clients echo them) but never changed. */
const SERVER_OWNED = new Set(["id", "appId", "createdDateTime", "deletedDateTime", "publisherDomain", "applicationTemplateId"]);
const AUDIENCES = ["AzureADMyOrg", "AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount"];

/** Keys out unless the caller asked for exactly this object's keyCredentials (Graph API reference "keyCredential resource type"). */
function present(app: ApplicationJson, withKeys = false): ApplicationJson {
  return withKeys ? app : { ...app, keyCredentials: withoutKeys(app.keyCredentials) };
}

/** Applies a body onto an app (new or existing); throws Graph's 400s. Returns the new version. */
function applyBody(tenant: FakeTenant, app: ApplicationJson, body: Record<string, unknown>): ApplicationJson {
  const next: ApplicationJson = structuredClone(app);
  for (const [property, value] of Object.entries(body)) {
    if (property.includes("@") || SERVER_OWNED.has(property)) continue;
    if (!WRITABLE.has(property)) {
      throw badRequest(
        `Property '${property}' does not exist on type 'microsoft.graph.application'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
      );
    }
    if (property === "uniqueName") {
      // [unverified] message: Graph documents uniqueName as immutable; its exact error is not known.
      const same = typeof value === "string" && app.uniqueName !== null && value.toLowerCase() === app.uniqueName.toLowerCase();
      if (!same) throw badRequest("Property 'uniqueName' is read-only and cannot be set.");
      continue;
    }
    if (property === "keyCredentials") {
      const policy = tenant.appManagementPolicy;
      const createdMs = Date.parse(app.createdDateTime);
      next.keyCredentials = mergeKeyCredentials(value, app.keyCredentials, (start, end) => checkCertificateLifetime(policy, createdMs, start, end));
    }
    else if (property === "displayName") next.displayName = requiredString(body, "displayName", "Application");
    else if (property === "signInAudience") {
      if (typeof value !== "string" || !AUDIENCES.includes(value)) throw badRequest("Invalid value specified for property 'signInAudience' of resource 'Application'.");
      next.signInAudience = value;
    } else if (property === "tags" && (!Array.isArray(value) || value.some((t) => typeof t !== "string"))) {
      throw badRequest("Invalid value specified for property 'tags' of resource 'Application'.");
    } else next[property] = structuredClone(value);
  }
  return next;
}

function create(ctx: RouteContext, body: Record<string, unknown>, uniqueName: string | null): ApplicationJson {
  requireApplicationCreate(ctx.caller, ctx.tenant.usersCanRegisterApps);
  const displayName = requiredString(body, "displayName", "Application");
  const blank = newApplication({ displayName, uniqueName }, ctx.view.now, ctx.tenant.initialDomain);
  const app = ctx.tenant.apps.put(applyBody(ctx.tenant, blank, body), ctx.view.now);
  if (ctx.caller.objectId !== undefined) ctx.tenant.ownerLinks.add(app.id, ctx.caller.objectId, ctx.view.now);
  return app;
}

function update(ctx: RouteContext, app: ApplicationJson): FakeResponse {
  const truth = ctx.tenant.apps.truth(app.id) ?? app;
  requireManage(ctx.caller, ctx.tenant.ownerIds(truth.id));
  ctx.tenant.apps.put(applyBody(ctx.tenant, truth, objectBody(ctx)), ctx.view.now);
  return noContent();
}

function list(ctx: RouteContext): FakeResponse {
  const clauses = filterFrom(ctx.url.params, ["displayName", "appId", "uniqueName", "id"], "application");
  const items = ctx.tenant.applications("visible").filter((a) => matchesFilter(a, clauses));
  return collection(ctx, "applications", items.map((a) => present(a)));
}

/** The addressed app: lagged view for reads and id-addressed writes, truth for alternate keys. */
function find(ctx: RouteContext, segment: Segment, truth: boolean): ApplicationJson | undefined {
  const key = segment.key;
  if (key === undefined) return undefined;
  const mode = truth && key.name !== undefined ? "truth" : "visible";
  if (key.name === undefined || key.name === "id") return mode === "truth" ? ctx.tenant.apps.truth(key.value) : ctx.tenant.apps.visible(key.value, ctx.view);
  if (key.name === "appId") return ctx.tenant.applicationByAppId(key.value, mode);
  if (key.name === "uniqueName") return ctx.tenant.applicationByUniqueName(key.value, mode);
  throw badRequest(`The property '${key.name}' is not an alternate key of type 'microsoft.graph.application'.`, "BadRequest");
}

function single(ctx: RouteContext, segment: Segment): FakeResponse {
  const key = segment.key;
  if (key === undefined) throw unknownSegment(segment.raw);
  const write = ctx.method !== "GET";
  if (write) requireApplicationWrite(ctx.caller);
  const app = find(ctx, segment, write);
  if (ctx.method === "GET") {
    if (app === undefined) throw notFound(key.value);
    const withKeys = selectedProperties(ctx.url.params)?.includes("keyCredentials") ?? false;
    return entity(ctx, "applications", present(app, withKeys));
  }
  if (ctx.method === "PATCH") {
    if (app !== undefined) return update(ctx, app);
    if (key.name === "uniqueName" && prefersCreateIfMissing(ctx)) {
      return entity(ctx, "applications", present(create(ctx, objectBody(ctx), key.value)), 201);
    }
    throw notFound(key.value);
  }
  if (ctx.method === "DELETE") {
    if (app === undefined) throw notFound(key.value);
    requireManage(ctx.caller, ctx.tenant.ownerIds(app.id));
    ctx.tenant.deleteApplicationCascade(app.id);
    return noContent();
  }
  throw methodNotAllowed(ctx.method);
}

export function applicationsRoute(ctx: RouteContext): FakeResponse {
  const [first, second] = ctx.url.segments;
  if (first === undefined) throw unknownSegment("");
  if (second !== undefined) {
    if (first.key === undefined || second.name !== "owners") throw unknownSegment(second.raw);
    if (ctx.method !== "GET") requireApplicationWrite(ctx.caller);
    return ownersNavigation(ctx, find(ctx, first, ctx.method !== "GET"), first.key.value);
  }
  if (first.key !== undefined) return single(ctx, first);
  if (ctx.method === "GET") return list(ctx);
  if (ctx.method === "POST") {
    requireApplicationWrite(ctx.caller);
    const body = objectBody(ctx);
    if (body["uniqueName"] !== undefined && body["uniqueName"] !== null) throw badRequest("Property 'uniqueName' is read-only and cannot be set.");
    return entity(ctx, "applications", present(create(ctx, body, null)), 201);
  }
  throw methodNotAllowed(ctx.method);
}
