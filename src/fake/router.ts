/** Dispatch on the first path segment. Unknown segments answer like Graph does (400 BadRequest). */
import { applicationsRoute } from "./applications.js";
import { domainsRoute, identityGovernanceRoute, organizationRoute } from "./directory.js";
import { directoryObjectsRoute, meRoute, usersRoute } from "./directory-objects.js";
import type { Segment } from "./odata.js";
import { policiesRoute } from "./policies.js";
import { roleManagementRoute } from "./role-management.js";
import { unknownSegment, type RouteContext } from "./route-context.js";
import { servicePrincipalsRoute } from "./service-principals.js";
import type { FakeResponse } from "./types.js";

const routes: Readonly<Record<string, (ctx: RouteContext) => FakeResponse>> = {
  applications: applicationsRoute,
  servicePrincipals: servicePrincipalsRoute,
  roleManagement: roleManagementRoute,
  organization: organizationRoute,
  domains: domainsRoute,
  identityGovernance: identityGovernanceRoute,
  users: usersRoute,
  me: meRoute,
  directoryObjects: directoryObjectsRoute,
  policies: policiesRoute,
};

/** Entity sets addressable as `/set/{id}` as well as `/set('id')`. */
const ENTITY_SETS = new Set(["applications", "servicePrincipals", "users", "directoryObjects"]);

/** Folds `/applications/{id}` into the same shape as `/applications('{id}')`. */
function withIdFolded(ctx: RouteContext): RouteContext {
  const [first, second, ...rest] = ctx.url.segments;
  if (first === undefined || second === undefined || first.key !== undefined || !ENTITY_SETS.has(first.name)) return ctx;
  const folded: Segment = { raw: `${first.raw}/${second.raw}`, name: first.name, key: { name: undefined, value: second.raw } };
  return { ...ctx, url: { ...ctx.url, segments: [folded, ...rest] } };
}

export function route(ctx: RouteContext): FakeResponse {
  const first = ctx.url.segments[0];
  if (first === undefined) throw unknownSegment("");
  const handler = Object.hasOwn(routes, first.name) ? routes[first.name] : undefined;
  if (handler === undefined) throw unknownSegment(first.raw);
  return handler(withIdFolded(ctx));
}
