/**
 * What the sandbox authority needs to know about a tenant, as a narrow read-only view. The server builds
 * it over the FakeGraph (fake-directory.ts), so the authority always sees the tenant's current state —
 * a certificate or grant added through Graph is honoured by the very next token request.
 */
export interface DirectoryKeyCredential {
  /** Base64 of the certificate: DER, or PEM text (both occur in Graph payloads). */
  key: string;
  usage?: string;
  type?: string;
  startDateTime?: string;
  endDateTime?: string;
}

export interface DirectoryServicePrincipal {
  id: string;
  appId: string;
  accountEnabled?: boolean;
  appRoles: { id: string; value?: string | null }[];
}

export interface DirectoryTenant {
  id: string;
  initialDomain: string;
  displayName: string;
  /** The application's key credentials, or undefined when no application has this appId. */
  applicationKeyCredentials(appId: string): DirectoryKeyCredential[] | undefined;
  servicePrincipalByAppId(appId: string): DirectoryServicePrincipal | undefined;
  servicePrincipalById(id: string): DirectoryServicePrincipal | undefined;
  /** App roles granted to a service principal: appRoleId on the resource SP with id resourceId. */
  appRoleAssignmentsFor(spId: string): { appRoleId: string; resourceId: string }[];
  /** Directory role template ids assigned to a principal. */
  directoryRoleTemplateIdsFor(principalId: string): string[];
}

export interface Directory {
  tenants(): DirectoryTenant[];
  /** findTenant without building every tenant's view (a sandbox may hold 1,000 tenants). */
  find?(segment: string): DirectoryTenant | undefined;
}

/** Finds a tenant by id or initial domain (case-insensitive); `organizations`/`common` mean the first one. */
export function findTenant(directory: Directory, segment: string): DirectoryTenant | undefined {
  if (directory.find) return directory.find(segment);
  const all = directory.tenants();
  const wanted = segment.toLowerCase();
  if (wanted === "organizations" || wanted === "common") return all[0];
  return all.find((t) => t.id.toLowerCase() === wanted || t.initialDomain.toLowerCase() === wanted);
}
