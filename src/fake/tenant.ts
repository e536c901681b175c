/**
 * One simulated Entra tenant: its stores plus the inspectors and seeding helpers tests and the
 * sandbox use. Inspectors read the TRUTH by default (ignoring lag); pass `"visible"` to see what a
 * Graph reader would see right now (e.g. the sandbox authority simulating AADSTS700016/700027).
 */
import { randomUUID } from "node:crypto";
import { certificateDer } from "./key-credentials.js";
import type {
  AppRoleAssignmentJson,
  ApplicationJson,
  KeyCredentialJson,
  RoleAssignmentJson,
  RoleDefinitionJson,
  ServicePrincipalJson,
} from "./model.js";
import { isoDate } from "./model.js";
import { newApplication, newAppRoleAssignment, newRoleAssignment, newServicePrincipal, spSourceFromApplication, spSourceFromFirstParty } from "./objects.js";
import { builtInRoleDefinitions, EXCHANGE_ONLINE_APP_ID, firstPartyApp, firstPartyApps } from "./seed.js";
import { VersionedStore, type View } from "./store.js";
import type { SeedTenant } from "./types.js";

export type ViewMode = "truth" | "visible";

/** A key credential with its certificate bytes, for validating client assertions. */
export interface KeyCredentialWithCertificate extends KeyCredentialJson {
  key: string;
  /** DER bytes decoded from `key` (which may hold DER or PEM text); undefined if unparsable. */
  certificateDer: Buffer | undefined;
}

const SEEDED = Number.NEGATIVE_INFINITY;

export class FakeTenant {
  readonly id: string;
  readonly displayName: string;
  readonly initialDomain: string;
  /** Route internals; tests should prefer the inspector methods. */
  readonly apps = new VersionedStore<ApplicationJson>();
  readonly sps = new VersionedStore<ServicePrincipalJson>();
  readonly grants = new VersionedStore<AppRoleAssignmentJson>();
  readonly roles = new VersionedStore<RoleAssignmentJson>();
  private readonly definitions: RoleDefinitionJson[] = builtInRoleDefinitions();
  private readonly currentView: () => View;

  constructor(seed: SeedTenant, currentView: () => View) {
    this.id = seed.id ?? randomUUID();
    this.displayName = seed.displayName ?? "Contoso";
    this.initialDomain = seed.initialDomain ?? `${this.displayName.toLowerCase().replace(/[^a-z0-9]/g, "")}.onmicrosoft.com`;
    this.currentView = currentView;
    for (const app of firstPartyApps) {
      if (app.appId === EXCHANGE_ONLINE_APP_ID && seed.hasExchange === false) continue;
      this.sps.put(newServicePrincipal(spSourceFromFirstParty(app), {}, currentView().now), SEEDED);
    }
  }

  /** Clock and lag as of this instant. */
  view(): View {
    return this.currentView();
  }

  private all<T extends { id: string }>(store: VersionedStore<T>, mode: ViewMode): T[] {
    return mode === "truth" ? store.allTruth() : store.allVisible(this.view());
  }

  applications(mode: ViewMode = "truth"): ApplicationJson[] {
    return this.all(this.apps, mode);
  }
  servicePrincipals(mode: ViewMode = "truth"): ServicePrincipalJson[] {
    return this.all(this.sps, mode);
  }
  appRoleAssignments(mode: ViewMode = "truth"): AppRoleAssignmentJson[] {
    return this.all(this.grants, mode);
  }
  roleAssignments(mode: ViewMode = "truth"): RoleAssignmentJson[] {
    return this.all(this.roles, mode);
  }
  roleDefinitions(): RoleDefinitionJson[] {
    return structuredClone(this.definitions);
  }

  organization(): Record<string, unknown> {
    return {
      id: this.id,
      displayName: this.displayName,
      tenantType: "AAD",
      countryLetterCode: "US",
      createdDateTime: "2020-01-01T00:00:00Z",
      verifiedDomains: [{ capabilities: "Email, OfficeCommunicationsOnline", isDefault: true, isInitial: true, name: this.initialDomain, type: "Managed" }],
    };
  }

  domains(): Record<string, unknown>[] {
    return [
      {
        id: this.initialDomain,
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

  applicationByAppId(appId: string, mode: ViewMode = "truth"): ApplicationJson | undefined {
    return this.applications(mode).find((a) => a.appId.toLowerCase() === appId.toLowerCase());
  }
  applicationByUniqueName(uniqueName: string, mode: ViewMode = "truth"): ApplicationJson | undefined {
    return this.applications(mode).find((a) => a.uniqueName !== null && a.uniqueName.toLowerCase() === uniqueName.toLowerCase());
  }
  servicePrincipalByAppId(appId: string, mode: ViewMode = "truth"): ServicePrincipalJson | undefined {
    return this.servicePrincipals(mode).find((s) => s.appId.toLowerCase() === appId.toLowerCase());
  }
  roleDefinition(idOrTemplateId: string): RoleDefinitionJson | undefined {
    const wanted = idOrTemplateId.toLowerCase();
    return this.roleDefinitions().find((d) => d.id === wanted || d.templateId === wanted);
  }

  /** The app's certificates with key bytes (truth unless `"visible"`); [] if the app is unknown. */
  keyCredentials(appId: string, mode: ViewMode = "truth"): KeyCredentialWithCertificate[] {
    const app = this.applicationByAppId(appId, mode);
    return (app?.keyCredentials ?? []).flatMap((k) => (k.key === null ? [] : [{ ...k, key: k.key, certificateDer: certificateDer(k.key) }]));
  }

  appRoleAssignmentsFor(servicePrincipalId: string, mode: ViewMode = "truth"): AppRoleAssignmentJson[] {
    return this.appRoleAssignments(mode).filter((g) => g.principalId === servicePrincipalId);
  }
  roleAssignmentsFor(principalId: string, mode: ViewMode = "truth"): RoleAssignmentJson[] {
    return this.roleAssignments(mode).filter((r) => r.principalId === principalId);
  }

  /** Seeds an application (visible at once, no validation), e.g. a hand-made "Xops-App". */
  addApplication(partial: Partial<ApplicationJson> & { displayName: string }): ApplicationJson {
    return this.apps.put(newApplication({ ...partial }, this.view().now, this.initialDomain), SEEDED);
  }

  /** Seeds a service principal for a seeded application or a first-party appId (visible at once). */
  addServicePrincipal(partial: Partial<ServicePrincipalJson> & { appId: string }): ServicePrincipalJson {
    const firstParty = firstPartyApp(partial.appId);
    const app = this.applicationByAppId(partial.appId);
    const source =
      firstParty !== undefined
        ? spSourceFromFirstParty(firstParty)
        : app !== undefined
          ? spSourceFromApplication(app, this.id)
          : { appId: partial.appId, displayName: partial.displayName ?? partial.appId, appRoles: [], oauth2PermissionScopes: [], servicePrincipalNames: [partial.appId], appOwnerOrganizationId: this.id, signInAudience: "AzureADMyOrg" };
    const sp = newServicePrincipal(source, { ...partial }, this.view().now);
    if (partial.id !== undefined) sp.id = partial.id;
    return this.sps.put(sp, SEEDED);
  }

  /** Removes a service principal and everything assigned to or by it. */
  removeServicePrincipal(appId: string): boolean {
    const sp = this.servicePrincipalByAppId(appId);
    if (sp === undefined) return false;
    this.deleteServicePrincipalCascade(sp.id);
    return true;
  }

  deleteServicePrincipalCascade(spId: string): void {
    this.sps.delete(spId);
    for (const g of this.grants.allTruth()) if (g.principalId === spId || g.resourceId === spId) this.grants.delete(g.id);
    for (const r of this.roles.allTruth()) if (r.principalId === spId) this.roles.delete(r.id);
  }

  addAppRoleAssignment(input: { principalId: string; resourceId: string; appRoleId: string }): AppRoleAssignmentJson {
    const principal = this.sps.truth(input.principalId);
    const resource = this.sps.truth(input.resourceId);
    if (principal === undefined || resource === undefined) throw new RangeError("addAppRoleAssignment: unknown principal or resource service principal");
    return this.grants.put(newAppRoleAssignment(principal, resource, input.appRoleId, this.view().now), SEEDED);
  }

  addRoleAssignment(input: { principalId: string; roleDefinitionId: string; directoryScopeId?: string }): RoleAssignmentJson {
    return this.roles.put(newRoleAssignment(input.principalId, input.roleDefinitionId, input.directoryScopeId ?? "/"), SEEDED);
  }

  /** For messages and timestamps in routes. */
  nowIso(): string {
    return isoDate(this.view().now);
  }
}
