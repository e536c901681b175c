/**
 * /roleManagement/directory (Graph API reference: "Create unifiedRoleAssignment", "List
 * unifiedRoleAssignments", "Delete unifiedRoleAssignment", "List roleDefinitions"): role
 * definitions and unified role assignments, for service principals and users alike.
 * Choices where Graph's answer is not documented (marked [unverified] in the report):
 * list without $filter → 400 BadRequest; unknown role definition → 400 "One or more properties
 * are invalid."; principal not (yet) visible → 404 Request_ResourceNotFound.
 */
import { requireRoleAssignmentWrite } from "./auth.js";
import { badRequest, noContent, notFound } from "./http.js";
import { newRoleAssignment } from "./objects.js";
import { filterFrom, matchesFilter } from "./odata.js";
import { collection, entity, methodNotAllowed, objectBody, requiredString, unknownSegment, type RouteContext } from "./route-context.js";
import type { FakeResponse } from "./types.js";

const ASSIGNMENTS = "roleManagement/directory/roleAssignments";
const DEFINITIONS = "roleManagement/directory/roleDefinitions";

function createAssignment(ctx: RouteContext): FakeResponse {
  requireRoleAssignmentWrite(ctx.caller);
  const body = objectBody(ctx);
  const principalId = requiredString(body, "principalId", "UnifiedRoleAssignment").toLowerCase();
  const roleDefinitionId = requiredString(body, "roleDefinitionId", "UnifiedRoleAssignment");
  const scope = body["directoryScopeId"];
  if (typeof scope !== "string" || scope === "") {
    if (typeof body["appScopeId"] === "string") throw badRequest("The fake tenant models only directoryScopeId role assignments.");
    throw badRequest("Either DirectoryScopeId or AppScopeId must be specified.");
  }
  const definition = ctx.tenant.roleDefinition(roleDefinitionId);
  if (definition === undefined) throw badRequest("One or more properties are invalid.");
  const principal = ctx.tenant.sps.visible(principalId, ctx.view) ?? ctx.tenant.userStore.visible(principalId, ctx.view);
  if (principal === undefined) throw notFound(principalId);
  const duplicate = ctx.tenant.roles
    .allTruth()
    .some((r) => r.principalId === principalId && r.roleDefinitionId === definition.id && r.directoryScopeId === scope);
  if (duplicate) throw badRequest("A conflicting object with one or more of the specified property values is present in the directory.");
  const created = ctx.tenant.roles.put(newRoleAssignment(principalId, definition.id, scope), ctx.view.now);
  return entity(ctx, ASSIGNMENTS, created, 201);
}

function assignments(ctx: RouteContext): FakeResponse {
  const [, , , item, extra] = ctx.url.segments;
  if (extra !== undefined) throw unknownSegment(extra.raw);
  if (item !== undefined) {
    const found = ctx.tenant.roles.visible(item.raw, ctx.view);
    if (found === undefined) throw notFound(item.raw);
    if (ctx.method === "GET") return entity(ctx, ASSIGNMENTS, found);
    if (ctx.method === "DELETE") {
      requireRoleAssignmentWrite(ctx.caller);
      ctx.tenant.roles.delete(found.id);
      return noContent();
    }
    throw methodNotAllowed(ctx.method);
  }
  if (ctx.method === "POST") return createAssignment(ctx);
  if (ctx.method !== "GET") throw methodNotAllowed(ctx.method);
  const clauses = filterFrom(ctx.url.params, ["principalId", "roleDefinitionId", "directoryScopeId"], "unifiedRoleAssignment");
  if (!clauses.some((c) => c.property === "principalId" || c.property === "roleDefinitionId")) {
    // [unverified] text: older docs say the filter is required; the real message was not found.
    throw badRequest("A filter on principalId or roleDefinitionId is required to list role assignments.", "BadRequest");
  }
  return collection(ctx, ASSIGNMENTS, ctx.tenant.roleAssignments("visible").filter((r) => matchesFilter(r, clauses)));
}

function definitions(ctx: RouteContext): FakeResponse {
  const [, , , item, extra] = ctx.url.segments;
  if (extra !== undefined) throw unknownSegment(extra.raw);
  if (ctx.method !== "GET") throw methodNotAllowed(ctx.method);
  if (item !== undefined) {
    const found = ctx.tenant.roleDefinition(item.raw);
    if (found === undefined) throw notFound(item.raw);
    return entity(ctx, DEFINITIONS, found);
  }
  const clauses = filterFrom(ctx.url.params, ["displayName", "templateId", "id"], "unifiedRoleDefinition");
  return collection(ctx, DEFINITIONS, ctx.tenant.roleDefinitions().filter((d) => matchesFilter(d, clauses)));
}

export function roleManagementRoute(ctx: RouteContext): FakeResponse {
  const [, directory, collectionSegment] = ctx.url.segments;
  if (directory === undefined || directory.name !== "directory" || directory.key !== undefined) throw unknownSegment(directory?.raw ?? "roleManagement");
  if (collectionSegment?.name === "roleAssignments" && collectionSegment.key === undefined) return assignments(ctx);
  if (collectionSegment?.name === "roleDefinitions" && collectionSegment.key === undefined) return definitions(ctx);
  throw unknownSegment(collectionSegment?.raw ?? "directory");
}
