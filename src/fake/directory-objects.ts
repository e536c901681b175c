/**
 * Directory objects as Graph serves them where the type is not fixed (owners, /directoryObjects):
 * each with `@odata.type`. A caller without permission to read a type gets objects of that type
 * with only `@odata.type` and `id` filled in, other properties null (Microsoft Graph permissions
 * overview: "Limited information returned for inaccessible member objects"). Also the /users, /me
 * and /directoryObjects reads.
 */
import { canReadKind, requireUserRead, type Caller, type DirectoryObjectKind } from "./auth.js";
import { badRequest, forbidden, notFound } from "./http.js";
import type { DirectoryObjectJson } from "./model.js";
import { filterFrom, matchesFilter } from "./odata.js";
import { collection, entity, methodNotAllowed, unknownSegment, type RouteContext } from "./route-context.js";
import type { ViewMode, FakeTenant } from "./tenant.js";
import type { FakeResponse } from "./types.js";

const ODATA_TYPE: Readonly<Record<DirectoryObjectKind, string>> = {
  user: "#microsoft.graph.user",
  servicePrincipal: "#microsoft.graph.servicePrincipal",
  application: "#microsoft.graph.application",
};

export interface FoundObject {
  kind: DirectoryObjectKind;
  object: DirectoryObjectJson;
}

/** A user, service principal or application by object id. */
export function findDirectoryObject(tenant: FakeTenant, id: string, mode: ViewMode): FoundObject | undefined {
  const wanted = id.toLowerCase();
  const user = tenant.users(mode).find((u) => u.id === wanted);
  if (user !== undefined) return { kind: "user", object: user };
  const sp = tenant.servicePrincipals(mode).find((s) => s.id === wanted);
  if (sp !== undefined) return { kind: "servicePrincipal", object: sp };
  const app = tenant.applications(mode).find((a) => a.id === wanted);
  if (app !== undefined) return { kind: "application", object: { ...app, keyCredentials: app.keyCredentials.map((k) => ({ ...k, key: null })) } };
  return undefined;
}

/** The object with its `@odata.type`; properties nulled (arrays emptied) when the caller may not read the kind. */
export function typedObject(found: FoundObject, caller: Caller): Record<string, unknown> {
  const { kind, object } = found;
  const readable = canReadKind(caller, kind);
  const body: Record<string, unknown> = { "@odata.type": ODATA_TYPE[kind], id: object.id };
  for (const [property, value] of Object.entries(object)) {
    if (property === "id") continue;
    body[property] = readable ? value : Array.isArray(value) ? [] : null;
  }
  return body;
}

const USER_FILTERS = ["id", "displayName", "userPrincipalName", "mail"];

/** GET /users, /users/{id | userPrincipalName} (Graph API reference "List users", "Get user"). */
export function usersRoute(ctx: RouteContext): FakeResponse {
  const [first, second] = ctx.url.segments;
  if (second !== undefined) throw unknownSegment(second.raw);
  if (ctx.method !== "GET") throw methodNotAllowed(ctx.method);
  if (first?.key !== undefined) {
    const user = ctx.tenant.user(first.key.value, "visible");
    requireUserRead(ctx.caller, user?.id);
    if (user === undefined) throw notFound(first.key.value);
    return entity(ctx, "users", user);
  }
  requireUserRead(ctx.caller);
  const clauses = filterFrom(ctx.url.params, USER_FILTERS, "user");
  return collection(ctx, "users", ctx.tenant.users("visible").filter((u) => matchesFilter(u, clauses)));
}

/** GET /me: the signed-in user; app-only tokens have no "me". */
export function meRoute(ctx: RouteContext): FakeResponse {
  const [first, second] = ctx.url.segments;
  if (second !== undefined || first?.key !== undefined) throw unknownSegment(second?.raw ?? first?.raw ?? "me");
  if (ctx.method !== "GET") throw methodNotAllowed(ctx.method);
  if (!ctx.caller.delegated) throw badRequest("/me request is only valid with delegated authentication flow.", "BadRequest");
  const user = ctx.caller.objectId === undefined ? undefined : ctx.tenant.user(ctx.caller.objectId, "visible");
  if (user === undefined) throw notFound(ctx.caller.objectId ?? "me");
  return entity(ctx, "users", user);
}

/** GET /directoryObjects/{id}: a user, service principal or application with its `@odata.type`. */
export function directoryObjectsRoute(ctx: RouteContext): FakeResponse {
  const [first, second] = ctx.url.segments;
  if (second !== undefined) throw unknownSegment(second.raw);
  if (first?.key === undefined) throw unknownSegment(first?.raw ?? "directoryObjects");
  if (ctx.method !== "GET") throw methodNotAllowed(ctx.method);
  const found = findDirectoryObject(ctx.tenant, first.key.value, "visible");
  if (found === undefined) throw notFound(first.key.value);
  if (!canReadKind(ctx.caller, found.kind) && !(found.kind === "user" && ctx.caller.isOneOf([found.object.id]))) throw forbidden();
  return entity(ctx, "directoryObjects", typedObject(found, ctx.caller));
}
