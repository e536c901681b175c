/**
 * The sandbox as a managed service provider (MSP) meets Entra: a partner tenant whose admin reaches
 * customer tenants through granular delegated admin privileges ("Introduction to granular delegated
 * admin privileges (GDAP)" in the Partner Center docs; Graph's "delegatedAdminRelationship resource
 * type" and "delegatedAdminAccessAssignment resource type").
 *
 * A relationship joins the partner and ONE customer, lists the Entra roles it can grant
 * (`accessDetails.unifiedRoles`) and is active until its `endDateTime`. An access assignment gives
 * those roles to a security group of the partner tenant; the sandbox models one such group holding
 * the partner's admin, so the admin holds every role of every active relationship, in that customer
 * only. With no active relationship the customer tenant does not know the partner's admin at all.
 */
import type { SeedTenant } from "../fake/types.js";
import { fail } from "./aadsts.js";
import { firstPartyClient } from "./consent.js";
import type { DirectoryTenant } from "./directory.js";
import { sandboxAdmin, stableUuid, type SandboxUser } from "./identities.js";

/** Role template ids ("Microsoft Entra built-in roles"). */
const ROLE = {
  privilegedRoleAdministrator: "e8611ab8-c189-46e8-94e1-60213ab1f814",
  cloudApplicationAdministrator: "158c047a-c907-4556-b7ef-446551a6b5f7",
  globalAdministrator: "62e90394-69f5-4237-9190-012177145e10",
} as const;

/** What onboarding needs: consent and role assignment (PRA) plus app registrations (Cloud Application Administrator). */
export const DEFAULT_RELATIONSHIP_ROLES: readonly string[] = [ROLE.privilegedRoleAdministrator, ROLE.cloudApplicationAdministrator];
/** A relationship that lets the admin create the app but not consent or assign roles: preflight refuses. */
export const WEAK_RELATIONSHIP_ROLES: readonly string[] = [ROLE.cloudApplicationAdministrator];

/** Relationship lifetime: the longest `duration` Graph's "delegatedAdminRelationship resource type" allows (P2Y). */
const RELATIONSHIP_DAYS = 730;

export interface PartnerOptions {
  /** 1-based positions of customers that have no relationship with the partner: Entra refuses them (AADSTS50020). */
  withoutRelationship?: readonly number[];
  /** 1-based positions of customers whose relationship grants only Cloud Application Administrator. */
  weakRelationship?: readonly number[];
  /** Roles every other relationship grants (role template ids); default PRA + Cloud Application Administrator. */
  roles?: readonly string[];
}

export interface DelegatedAdminRelationship {
  id: string;
  displayName: string;
  customerTenantId: string;
  status: "active";
  /** accessDetails.unifiedRoles[].roleDefinitionId: template ids of the built-in roles granted. */
  roles: string[];
  endDateTime: string;
}

export interface PartnerTenantInfo {
  id: string;
  initialDomain: string;
  displayName: string;
}

/** The partner tenant's seed: stable id and domain so logs, caches and tenants files stay comparable. */
export function partnerSeed(): SeedTenant & PartnerTenantInfo {
  return { id: stableUuid("partner"), displayName: "Sandbox Partner", initialDomain: "sandboxpartner.onmicrosoft.com", hasExchange: true, users: [] };
}

/** The partner's relationships with `customers` (in order), as the knobs ask. Throws RangeError for a bad knob. */
export function buildRelationships(customers: readonly { id: string; displayName: string }[], options: PartnerOptions, nowMs: number): DelegatedAdminRelationship[] {
  const none = positions("withoutRelationship", options.withoutRelationship, customers.length);
  const weak = positions("weakRelationship", options.weakRelationship, customers.length);
  const both = [...none].filter((p) => weak.has(p));
  if (both.length > 0) throw new RangeError(`customer ${both.join(", ")} cannot both lack a relationship and have a weak one`);
  const endDateTime = new Date(nowMs + RELATIONSHIP_DAYS * 86_400_000).toISOString();
  return customers.flatMap((customer, i) =>
    none.has(i + 1)
      ? []
      : [{
          id: `${stableUuid(`relationship:${customer.id}`)}-${stableUuid(`relationship-request:${customer.id}`)}`,
          // Unique per partner, at most 50 characters (delegatedAdminRelationship's displayName).
          displayName: `Sandbox Partner - ${customer.displayName}`.slice(0, 50),
          customerTenantId: customer.id,
          status: "active" as const,
          roles: [...(weak.has(i + 1) ? WEAK_RELATIONSHIP_ROLES : (options.roles ?? DEFAULT_RELATIONSHIP_ROLES))],
          endDateTime,
        }],
  );
}

function positions(name: string, values: readonly number[] | undefined, count: number): Set<number> {
  for (const v of values ?? []) {
    if (!Number.isInteger(v) || v < 1 || v > count) throw new RangeError(`${name}: customer positions are 1 to ${count}, got ${v}`);
  }
  return new Set(values ?? []);
}

/** The partner and its relationships, as the sign-in authority consults them. */
export class PartnerDirectory {
  private readonly relationships = new Map<string, DelegatedAdminRelationship>();

  constructor(
    readonly tenant: PartnerTenantInfo,
    relationships: readonly DelegatedAdminRelationship[],
  ) {
    for (const r of relationships) this.relationships.set(r.customerTenantId.toLowerCase(), r);
  }

  /** The active relationship with this customer, if any (ended ones do not count). */
  relationshipWith(customerTenantId: string, nowMs: number): DelegatedAdminRelationship | undefined {
    const r = this.relationships.get(customerTenantId.toLowerCase());
    return r && Date.parse(r.endDateTime) > nowMs ? r : undefined;
  }

  list(): DelegatedAdminRelationship[] {
    return [...this.relationships.values()].map((r) => ({ ...r, roles: [...r.roles] }));
  }

  /** Establishes (or replaces) a relationship: the customer approved the partner's request. */
  establish(relationship: DelegatedAdminRelationship): void {
    this.relationships.set(relationship.customerTenantId.toLowerCase(), { ...relationship, roles: [...relationship.roles] });
  }

  /** Ends (removes) the relationship with a customer: the next token request there is refused. */
  terminate(customerTenantId: string): boolean {
    return this.relationships.delete(customerTenantId.toLowerCase());
  }
}

/**
 * The admin of `home` asking for a token in `tenant` (a refresh token redeemed at another tenant's
 * token endpoint): the partner's admin, with an active relationship, gets the relationship's roles
 * there; anyone else does not exist in that tenant, and Entra answers AADSTS50020.
 */
export function partnerAdminIn(
  tenant: DirectoryTenant,
  from: { home: DirectoryTenant; clientId: string; partner: PartnerDirectory | undefined; lacksPrivilegedRoleAdmin: boolean; nowMs: number },
): SandboxUser {
  const admin = sandboxAdmin(from.home, from.lacksPrivilegedRoleAdmin);
  const relationship = from.partner?.tenant.id === from.home.id ? from.partner.relationshipWith(tenant.id, from.nowMs) : undefined;
  if (!relationship) {
    const client = firstPartyClient(from.clientId)?.displayName ?? from.clientId;
    fail(400, "invalid_grant", 50020, `User account '${admin.upn}' from identity provider 'https://sts.windows.net/${from.home.id}/' does not exist in tenant '${tenant.displayName}' and cannot access the application '${from.clientId}'(${client}) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Microsoft Entra user account.`);
  }
  return { ...admin, wids: [...relationship.roles] };
}
