/**
 * The authority's view of the FakeGraph tenants. It reads what a Graph reader would see right now
 * ("visible"), so replication lag shows up at sign-in as it does in Entra: an app or certificate
 * created a moment ago yields AADSTS700016 / AADSTS700027 until it has replicated.
 */
import type { FakeTenant } from "../fake/tenant.js";
import type { Directory, DirectoryTenant } from "./directory.js";

/** The part of FakeGraph the directory needs. */
export interface FakeTenantSource {
  tenantIds(): string[];
  tenant(id: string): FakeTenant | undefined;
}

export function fakeDirectory(fake: FakeTenantSource): Directory {
  const all = () => fake.tenantIds().flatMap((id) => {
    const t = fake.tenant(id);
    return t ? [t] : [];
  });
  // A FakeGraph's tenants are fixed when it is made: index them once by id and initial domain.
  let index: Map<string, FakeTenant> | undefined;
  let first: FakeTenant | undefined;
  return {
    tenants: () => all().map(tenantView),
    // As findTenant: id or initial domain, case-insensitive; organizations/common mean the first tenant.
    find: (segment) => {
      if (!index) {
        const tenants = all();
        first = tenants[0];
        index = new Map(tenants.flatMap((t) => [[t.id.toLowerCase(), t] as const, [t.initialDomain.toLowerCase(), t] as const]));
      }
      const wanted = segment.toLowerCase();
      const found = wanted === "organizations" || wanted === "common" ? first : index.get(wanted);
      return found ? tenantView(found) : undefined;
    },
  };
}

function tenantView(t: FakeTenant): DirectoryTenant {
  return {
    id: t.id,
    initialDomain: t.initialDomain,
    displayName: t.displayName,
    applicationKeyCredentials: (appId) => (t.applicationByAppId(appId, "visible") ? t.keyCredentials(appId, "visible") : undefined),
    servicePrincipalByAppId: (appId) => t.servicePrincipalByAppId(appId, "visible"),
    servicePrincipalById: (id) => t.servicePrincipals("visible").find((s) => s.id === id),
    appRoleAssignmentsFor: (spId) => t.appRoleAssignmentsFor(spId, "visible"),
    directoryRoleTemplateIdsFor: (principalId) =>
      t.roleAssignmentsFor(principalId, "visible").map((r) => t.roleDefinition(r.roleDefinitionId)?.templateId ?? r.roleDefinitionId),
  };
}
