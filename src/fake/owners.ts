/**
 * The `owners` navigation of applications and service principals (Graph API reference "List owners
 * of an application", "Add owner", "Remove owner", and their servicePrincipal twins): a
 * directoryObject collection of users and service principals, read with the same lag as other
 * reads; owners added or removed by `$ref`. Error texts for duplicates and missing references are
 * Graph's generic reference-update messages (observed for `members`, assumed for `owners`).
 */
import { requireOwnersRead, requireOwnersWrite } from "./auth.js";
import { findDirectoryObject, typedObject } from "./directory-objects.js";
import { badRequest, noContent, notFound } from "./http.js";
import type { DirectoryObjectJson } from "./model.js";
import { collection, methodNotAllowed, objectBody, unknownSegment, type RouteContext } from "./route-context.js";
import type { FakeResponse } from "./types.js";

/** The object id named by an `@odata.id` such as "https://graph.microsoft.com/v1.0/directoryObjects/{id}". */
function referencedId(reference: unknown): string {
  const match = typeof reference === "string" ? /\/(?:directoryObjects|users|servicePrincipals)\/([0-9a-fA-F-]{36})\/?$/.exec(reference) : null;
  // [unverified] text: Graph's exact answer for a malformed @odata.id was not found.
  if (match?.[1] === undefined) throw badRequest(`Invalid object identifier '${String(reference)}'.`);
  return match[1].toLowerCase();
}

function addOwner(ctx: RouteContext, target: DirectoryObjectJson): FakeResponse {
  requireOwnersWrite(ctx.caller, ctx.tenant.ownerIds(target.id));
  const body = objectBody(ctx);
  const ownerId = referencedId(body["@odata.id"]);
  const owner = findDirectoryObject(ctx.tenant, ownerId, "visible");
  if (owner === undefined) throw notFound(ownerId);
  // [unverified] text: only users and service principals can own apps; Graph's refusal text was not found.
  if (owner.kind === "application") throw badRequest("An application cannot be an owner.");
  if (ctx.tenant.ownerLinks.has(target.id, ownerId)) {
    throw badRequest("One or more added object references already exist for the following modified properties: 'owners'.");
  }
  ctx.tenant.ownerLinks.add(target.id, ownerId, ctx.view.now);
  return noContent();
}

function removeOwner(ctx: RouteContext, target: DirectoryObjectJson, ownerReference: string): FakeResponse {
  requireOwnersWrite(ctx.caller, ctx.tenant.ownerIds(target.id));
  const ownerId = ownerReference.toLowerCase();
  if (!ctx.tenant.ownerLinks.remove(target.id, ownerId)) {
    throw badRequest("One or more removed object references do not exist for the following modified properties: 'owners'.");
  }
  return noContent();
}

/** `GET owners`, `POST owners/$ref`, `DELETE owners/{id}/$ref` (or `owners/$ref?$id=…`) under `target`. */
export function ownersNavigation(ctx: RouteContext, target: DirectoryObjectJson | undefined, keyText: string): FakeResponse {
  const [, , second, third, extra] = ctx.url.segments;
  if (extra !== undefined) throw unknownSegment(extra.raw);
  if (target === undefined) throw notFound(keyText);
  if (second === undefined) {
    if (ctx.method !== "GET") throw methodNotAllowed(ctx.method);
    requireOwnersRead(ctx.caller);
    const owners = ctx.tenant.ownerIds(target.id, "visible").flatMap((id) => {
      const found = findDirectoryObject(ctx.tenant, id, "visible");
      return found === undefined ? [] : [typedObject(found, ctx.caller)];
    });
    return collection(ctx, "directoryObjects", owners);
  }
  if (second.name === "$ref" && second.key === undefined && third === undefined) {
    if (ctx.method === "POST") return addOwner(ctx, target);
    const byQuery = ctx.url.params.get("$id");
    if (ctx.method === "DELETE" && byQuery !== null) return removeOwner(ctx, target, referencedId(byQuery));
    throw methodNotAllowed(ctx.method);
  }
  if (third?.name === "$ref" && second.key === undefined) {
    if (ctx.method !== "DELETE") throw methodNotAllowed(ctx.method);
    return removeOwner(ctx, target, second.raw);
  }
  throw unknownSegment((third ?? second).raw);
}
