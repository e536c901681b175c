/**
 * App role assignments = admin consent for application permissions (Graph API reference: "Grant an
 * appRoleAssignment to a service principal", "Grant an appRoleAssignment for a service principal",
 * "Delete appRoleAssignedTo", "Delete appRoleAssignment"; Microsoft Learn: "Grant tenant-wide admin
 * consent to an application").
 * Replication choices [documented here because Graph's exact split is not]: the SP addressed in
 * the path, if not yet visible → 404 Request_ResourceNotFound; the SP referenced in the body (the
 * other end), if not yet visible → 400 "Not a valid reference update.".
 */
import { requireAppRoleGrant } from "./auth.js";
import { badRequest, noContent, notFound } from "./http.js";
import type { ServicePrincipalJson } from "./model.js";
import { newAppRoleAssignment } from "./objects.js";
import type { Segment } from "./odata.js";
import { collection, entity, methodNotAllowed, objectBody, requiredString, unknownSegment, type RouteContext } from "./route-context.js";
import type { FakeResponse } from "./types.js";

type Direction = "appRoleAssignments" | "appRoleAssignedTo";
const DEFAULT_ACCESS_ROLE = "00000000-0000-0000-0000-000000000000";

function invalidProperties(): Error {
  return badRequest("One or more properties are invalid.");
}

function grant(ctx: RouteContext, pathSp: ServicePrincipalJson, direction: Direction): FakeResponse {
  const body = objectBody(ctx);
  const principalId = requiredString(body, "principalId", "AppRoleAssignment");
  const resourceId = requiredString(body, "resourceId", "AppRoleAssignment");
  const appRoleId = requiredString(body, "appRoleId", "AppRoleAssignment").toLowerCase();
  const otherId = direction === "appRoleAssignedTo" ? principalId : resourceId;
  const pathSide = direction === "appRoleAssignedTo" ? resourceId : principalId;
  if (pathSide.toLowerCase() !== pathSp.id) throw invalidProperties();
  // The permission rule depends on which API the role belongs to; decide it from the truth so a
  // replicating resource doesn't change the answer from 403 to something else.
  const resourceTruth = direction === "appRoleAssignedTo" ? pathSp : ctx.tenant.sps.truth(otherId.toLowerCase());
  requireAppRoleGrant(ctx.caller, resourceTruth?.appId ?? "");
  const other = ctx.tenant.sps.visible(otherId.toLowerCase(), ctx.view);
  if (other === undefined) throw badRequest("Not a valid reference update.");
  const principal = direction === "appRoleAssignedTo" ? other : pathSp;
  const resource = direction === "appRoleAssignedTo" ? pathSp : other;
  const role = resource.appRoles.find((r) => r.id === appRoleId && r.isEnabled && r.allowedMemberTypes.includes("Application"));
  if (role === undefined && appRoleId !== DEFAULT_ACCESS_ROLE) throw invalidProperties();
  const duplicate = ctx.tenant.grants
    .allTruth()
    .some((g) => g.principalId === principal.id && g.resourceId === resource.id && g.appRoleId === appRoleId);
  if (duplicate) throw badRequest("Permission being assigned already exists on the object");
  const created = ctx.tenant.grants.put(newAppRoleAssignment(principal, resource, appRoleId, ctx.view.now), ctx.view.now);
  return entity(ctx, `servicePrincipals('${pathSp.id}')/${direction}`, created, 201);
}

/** /servicePrincipals/{id}/appRoleAssignments|appRoleAssignedTo[/{assignmentId}] */
export function assignmentsNavigation(ctx: RouteContext, spSegment: Segment, sp: ServicePrincipalJson | undefined): FakeResponse {
  const [, nav, item, extra] = ctx.url.segments;
  if (nav === undefined) throw unknownSegment(spSegment.raw);
  if (nav.name !== "appRoleAssignments" && nav.name !== "appRoleAssignedTo") throw unknownSegment(nav.raw);
  if (extra !== undefined) throw unknownSegment(extra.raw);
  const direction: Direction = nav.name;
  if (sp === undefined) throw notFound(spSegment.key?.value ?? spSegment.raw);
  const side = (g: { principalId: string; resourceId: string }): boolean =>
    direction === "appRoleAssignments" ? g.principalId === sp.id : g.resourceId === sp.id;
  if (item === undefined) {
    if (ctx.method === "GET") return collection(ctx, `servicePrincipals('${sp.id}')/${direction}`, ctx.tenant.appRoleAssignments("visible").filter(side));
    if (ctx.method === "POST") return grant(ctx, sp, direction);
    throw methodNotAllowed(ctx.method);
  }
  const assignment = ctx.tenant.grants.visible(item.raw, ctx.view);
  if (assignment === undefined || !side(assignment)) throw notFound(item.raw);
  if (ctx.method === "GET") return entity(ctx, `servicePrincipals('${sp.id}')/${direction}`, assignment);
  if (ctx.method === "DELETE") {
    requireAppRoleGrant(ctx.caller, ctx.tenant.sps.truth(assignment.resourceId)?.appId ?? "");
    ctx.tenant.grants.delete(assignment.id);
    return noContent();
  }
  throw methodNotAllowed(ctx.method);
}
