/**
 * /servicePrincipals (Graph API reference: "Create servicePrincipal", "Upsert servicePrincipal",
 * "Update servicePrincipal", "Delete servicePrincipal"): create (409 on duplicates,
 * NoBackingApplicationObject while the app is replicating), upsert by appId, reads, owners, and the
 * app-role-assignment navigations. An app-only creator becomes the new SP's owner; a delegated one
 * does not [unverified].
 */
import { assignmentsNavigation } from "./assignments.js";
import { requireApplicationWrite, requireManage, requireServicePrincipalCreate } from "./auth.js";
import { badRequest, FakeHttpError, noContent, notFound } from "./http.js";
import type { ServicePrincipalJson } from "./model.js";
import { newServicePrincipal, spSourceFromApplication, spSourceFromFirstParty } from "./objects.js";
import { filterFrom, matchesFilter, type Segment } from "./odata.js";
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
import type { FakeResponse } from "./types.js";

const SERVER_OWNED = new Set(["id", "appId", "appDisplayName", "appOwnerOrganizationId", "appRoles", "oauth2PermissionScopes", "servicePrincipalNames", "createdDateTime", "deletedDateTime", "servicePrincipalType"]);

function noBackingApplication(appId: string): FakeHttpError {
  const message = `The appId '${appId}' of the service principal does not reference a valid application object.`;
  return new FakeHttpError(400, "Request_BadRequest", message, { details: [{ code: "NoBackingApplicationObject", message, target: "appId" }] });
}

function withoutServerOwned(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([k]) => !SERVER_OWNED.has(k) && !k.includes("@")));
}

/** Creates the SP for appId: first-party apps come from seed data, others need a replicated app. */
function create(ctx: RouteContext, appId: string, body: Record<string, unknown>): ServicePrincipalJson {
  const firstParty = ctx.tenant.firstPartyApp(appId);
  // Who may create it is decided on the truth, like every permission check in the fake.
  const backingTruth = firstParty === undefined ? ctx.tenant.applicationByAppId(appId) : undefined;
  requireServicePrincipalCreate(
    ctx.caller,
    backingTruth === undefined ? undefined : { singleTenant: backingTruth.signInAudience === "AzureADMyOrg", ownerIds: ctx.tenant.ownerIds(backingTruth.id) },
  );
  if (ctx.tenant.servicePrincipalByAppId(appId) !== undefined) {
    throw new FakeHttpError(
      409,
      "Request_MultipleObjectsWithSameKeyValue",
      `The service principal cannot be created, updated, or restored because the service principal name ${appId} is already in use.`,
    );
  }
  const app = firstParty === undefined ? ctx.tenant.applicationByAppId(appId, "visible") : undefined;
  if (firstParty === undefined && app === undefined) throw noBackingApplication(appId);
  const source = firstParty !== undefined ? spSourceFromFirstParty(firstParty) : spSourceFromApplication(app as NonNullable<typeof app>, ctx.tenant.id);
  const sp = ctx.tenant.sps.put(newServicePrincipal(source, withoutServerOwned(body), ctx.view.now), ctx.view.now);
  if (!ctx.caller.delegated && ctx.caller.objectId !== undefined) ctx.tenant.ownerLinks.add(sp.id, ctx.caller.objectId, ctx.view.now);
  return sp;
}

function update(ctx: RouteContext, sp: ServicePrincipalJson): FakeResponse {
  const truth = ctx.tenant.sps.truth(sp.id) ?? sp;
  requireManage(ctx.caller, ctx.tenant.ownerIds(truth.id));
  const body = withoutServerOwned(objectBody(ctx));
  if ("displayName" in body) requiredString(body, "displayName", "ServicePrincipal");
  if ("accountEnabled" in body && typeof body["accountEnabled"] !== "boolean") {
    throw badRequest("Invalid value specified for property 'accountEnabled' of resource 'ServicePrincipal'.");
  }
  ctx.tenant.sps.put({ ...truth, ...structuredClone(body) }, ctx.view.now);
  return noContent();
}

/** The addressed SP: lagged view for reads and id-addressed calls, truth for appId-addressed writes. */
export function findServicePrincipal(ctx: RouteContext, segment: Segment): ServicePrincipalJson | undefined {
  const key = segment.key;
  if (key === undefined) return undefined;
  if (key.name === undefined || key.name === "id") return ctx.tenant.sps.visible(key.value, ctx.view);
  if (key.name === "appId") return ctx.tenant.servicePrincipalByAppId(key.value, ctx.method === "GET" ? "visible" : "truth");
  throw badRequest(`The property '${key.name}' is not an alternate key of type 'microsoft.graph.servicePrincipal'.`, "BadRequest");
}

function single(ctx: RouteContext, segment: Segment): FakeResponse {
  const key = segment.key;
  if (key === undefined) throw unknownSegment(segment.raw);
  if (ctx.method !== "GET") requireApplicationWrite(ctx.caller);
  const sp = findServicePrincipal(ctx, segment);
  if (ctx.method === "GET") {
    if (sp === undefined) throw notFound(key.value);
    return entity(ctx, "servicePrincipals", sp);
  }
  if (ctx.method === "PATCH") {
    if (sp !== undefined) return update(ctx, sp);
    if (key.name === "appId" && prefersCreateIfMissing(ctx)) return entity(ctx, "servicePrincipals", create(ctx, key.value, objectBody(ctx)), 201);
    throw notFound(key.value);
  }
  if (ctx.method === "DELETE") {
    if (sp === undefined) throw notFound(key.value);
    requireManage(ctx.caller, ctx.tenant.ownerIds(sp.id));
    ctx.tenant.deleteServicePrincipalCascade(sp.id);
    return noContent();
  }
  throw methodNotAllowed(ctx.method);
}

export function servicePrincipalsRoute(ctx: RouteContext): FakeResponse {
  const [first, second] = ctx.url.segments;
  if (first === undefined) throw unknownSegment("");
  if (second !== undefined) {
    if (first.key === undefined) throw unknownSegment(second.raw);
    if (second.name === "owners") {
      if (ctx.method !== "GET") requireApplicationWrite(ctx.caller);
      return ownersNavigation(ctx, findServicePrincipal(ctx, first), first.key.value);
    }
    return assignmentsNavigation(ctx, first, findServicePrincipal(ctx, first));
  }
  if (first.key !== undefined) return single(ctx, first);
  if (ctx.method === "GET") {
    const clauses = filterFrom(ctx.url.params, ["appId", "displayName", "id"], "servicePrincipal");
    return collection(ctx, "servicePrincipals", ctx.tenant.servicePrincipals("visible").filter((s) => matchesFilter(s, clauses)));
  }
  if (ctx.method === "POST") {
    requireApplicationWrite(ctx.caller);
    const body = objectBody(ctx);
    const appId = requiredString(body, "appId", "ServicePrincipal");
    return entity(ctx, "servicePrincipals", create(ctx, appId, body), 201);
  }
  throw methodNotAllowed(ctx.method);
}
