/**
 * /organization, /domains and the access-review probe used by the verify step (Graph API reference:
 * "Get organization", "List domains", "List definitions" of access reviews).
 */
import { requireAccessReviewRead, requireOrganizationRead } from "./auth.js";
import { notFound } from "./http.js";
import { collection, entity, methodNotAllowed, unknownSegment, type RouteContext } from "./route-context.js";
import type { FakeTenant } from "./tenant.js";
import type { FakeResponse } from "./types.js";

function organization(tenant: FakeTenant): Record<string, unknown> {
  return {
    id: tenant.id,
    displayName: tenant.displayName,
    tenantType: "AAD",
    countryLetterCode: "US",
    createdDateTime: "2020-01-01T00:00:00Z",
    verifiedDomains: [{ capabilities: "Email, OfficeCommunicationsOnline", isDefault: true, isInitial: true, name: tenant.initialDomain, type: "Managed" }],
  };
}

function domains(tenant: FakeTenant): Record<string, unknown>[] {
  return [
    {
      id: tenant.initialDomain,
      authenticationType: "Managed",
      availabilityStatus: null,
      isAdminManaged: true,
      isDefault: true,
      isInitial: true,
      isRoot: true,
      isVerified: true,
      passwordNotificationWindowInDays: 14,
      passwordValidityPeriodInDays: 2147483647,
      supportedServices: ["Email", "OfficeCommunicationsOnline"],
    },
  ];
}

export function organizationRoute(ctx: RouteContext): FakeResponse {
  const [first, second] = ctx.url.segments;
  if (ctx.method !== "GET") throw methodNotAllowed(ctx.method);
  requireOrganizationRead(ctx.caller);
  const org = organization(ctx.tenant);
  if (second !== undefined) {
    if (second.raw.toLowerCase() !== ctx.tenant.id.toLowerCase()) throw notFound(second.raw);
    return entity(ctx, "organization", org);
  }
  if (first?.key !== undefined) {
    if (first.key.value.toLowerCase() !== ctx.tenant.id.toLowerCase()) throw notFound(first.key.value);
    return entity(ctx, "organization", org);
  }
  return collection(ctx, "organization", [org]);
}

export function domainsRoute(ctx: RouteContext): FakeResponse {
  const [first, second] = ctx.url.segments;
  if (ctx.method !== "GET") throw methodNotAllowed(ctx.method);
  if (second !== undefined || first?.key !== undefined) throw unknownSegment(second?.raw ?? first?.raw ?? "domains");
  return collection(ctx, "domains", domains(ctx.tenant));
}

export function identityGovernanceRoute(ctx: RouteContext): FakeResponse {
  const [, reviews, definitions, extra] = ctx.url.segments;
  if (reviews?.name !== "accessReviews") throw unknownSegment(reviews?.raw ?? "identityGovernance");
  if (definitions?.name !== "definitions" || extra !== undefined) throw unknownSegment(extra?.raw ?? definitions?.raw ?? "accessReviews");
  if (ctx.method !== "GET") throw methodNotAllowed(ctx.method);
  requireAccessReviewRead(ctx.caller);
  return collection(ctx, "identityGovernance/accessReviews/definitions", []);
}
