/** Dispatch on the first path segment. Unknown segments answer like Graph does (400 BadRequest). */
import { applicationsRoute } from "./applications.js";
import { domainsRoute, identityGovernanceRoute, organizationRoute } from "./directory.js";
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
};

export function route(ctx: RouteContext): FakeResponse {
  const first = ctx.url.segments[0];
  if (first === undefined) throw unknownSegment("");
  const handler = Object.hasOwn(routes, first.name) ? routes[first.name] : undefined;
  if (handler === undefined) throw unknownSegment(first.raw);
  return handler(ctx);
}
