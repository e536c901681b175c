/**
 * One simulated Entra tenant: its stores plus the inspectors and seeding helpers tests and the
 * sandbox use. Inspectors read the TRUTH by default (ignoring lag); pass `"visible"` to see what a
 * Graph reader would see right now (e.g. the sandbox authority simulating AADSTS700016/700027).
 */
import { randomUUID } from "node:crypto";
import { appManagementPolicy, type AppManagementPolicy } from "./app-management-policy.js";
import { certificateDer } from "./key-credentials.js";
import type {
  AppRoleAssignmentJson,
  ApplicationJson,
  KeyCredentialJson,
  RoleAssignmentJson,
  RoleDefinitionJson,
  ServicePrincipalJson,
  UserJson,
} from "./model.js";
import { isoDate } from "./model.js";
import { newApplication, newAppRoleAssignment, newRoleAssignment, newServicePrincipal, spSourceFromApplication, spSourceFromFirstParty } from "./objects.js";
import { firstPartyOf, type CloudFirstParty, type FakeCloud } from "./clouds.js";
import { builtInRoleDefinitions, EXCHANGE_ONLINE_APP_ID, type FirstPartyApp } from "./seed.js";
import { OwnerLinks } from "./owner-links.js";
import { VersionedStore, type View } from "./store.js";
import type { AppManagementPolicySeed, SeedTenant, SeedUser } from "./types.js";
import { defaultUserSeeds, newUser } from "./users.js";

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
  /** The Microsoft cloud the tenant lives in: which first-party APIs it has, and their permissions. */
  readonly cloud: FakeCloud;
  private readonly firstParty: CloudFirstParty;
  /** Route internals; tests should prefer the inspector methods. */
  readonly apps = new VersionedStore<ApplicationJson>();
  readonly sps = new VersionedStore<ServicePrincipalJson>();
  readonly grants = new VersionedStore<AppRoleAssignmentJson>();
  readonly roles = new VersionedStore<RoleAssignmentJson>();
  readonly userStore = new VersionedStore<UserJson>();
  readonly ownerLinks = new OwnerLinks();
  private policy: AppManagementPolicy;
  private registrationByUsers: boolean;
  /** Built-in and identical in every tenant: shared, frozen (see seed.ts). */
  private readonly definitions: readonly RoleDefinitionJson[] = builtInRoleDefinitions();
  private readonly currentView: () => View;

  constructor(seed: SeedTenant, currentView: () => View) {
    this.id = seed.id ?? randomUUID();
    this.displayName = seed.displayName ?? "Contoso";
    this.initialDomain = seed.initialDomain ?? `${this.displayName.toLowerCase().replace(/[^a-z0-9]/g, "")}.onmicrosoft.com`;
    this.currentView = currentView;
    this.policy = appManagementPolicy(seed.appManagementPolicy);
    this.registrationByUsers = seed.usersCanRegisterApps ?? true;
    this.cloud = seed.cloud ?? "global";
    this.firstParty = firstPartyOf(this.cloud);
    for (const app of this.firstParty.seeded) {
      if (app.appId === EXCHANGE_ONLINE_APP_ID && seed.hasExchange === false) continue;
      this.sps.put(newServicePrincipal(spSourceFromFirstParty(app), {}, currentView().now), SEEDED);
    }
    for (const user of seed.users ?? defaultUserSeeds()) this.addUser(user);
  }

  /** A first-party API of this tenant's cloud, by appId (seeded, or one POST /servicePrincipals may create). */
  firstPartyApp(appId: string): FirstPartyApp | undefined {
    const wanted = appId.toLowerCase();
    return this.firstParty.known.find((app) => app.appId === wanted);
  }

  /** "Users can register applications" (Microsoft Learn: "Default user permissions"). */
  get usersCanRegisterApps(): boolean {
    return this.registrationByUsers;
  }
  setUsersCanRegisterApps(allowed: boolean): void {
    this.registrationByUsers = allowed;
  }

  /** The tenant-wide app management policy, as served at /policies/defaultAppManagementPolicy. */
  get appManagementPolicy(): AppManagementPolicy {
    return structuredClone(this.policy);
  }
  /** Replaces the policy (takes effect for the next request); throws RangeError for an invalid one. */
  setAppManagementPolicy(seed: AppManagementPolicySeed): void {
    this.policy = appManagementPolicy(seed);
  }

  /** Clock and lag as of this instant. */
  view(): View {
    return this.currentView();
  }

  private all<T extends { id: string }>(store: VersionedStore<T>, mode: ViewMode): T[] {
    return mode === "truth" ? store.allTruth() : store.allVisible(this.view());
  }

  /** The first object of `store` that `match` accepts, copying only that one. */
  private first<T extends { id: string }>(store: VersionedStore<T>, mode: ViewMode, match: (value: T) => boolean): T | undefined {
    return store.find(match, mode === "truth" ? undefined : this.view());
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
  users(mode: ViewMode = "truth"): UserJson[] {
    return this.all(this.userStore, mode);
  }
  /** A user by object id or userPrincipalName (case-insensitive). */
  user(idOrUpn: string, mode: ViewMode = "truth"): UserJson | undefined {
    const wanted = idOrUpn.toLowerCase();
    return this.first(this.userStore, mode, (u) => u.id === wanted || u.userPrincipalName.toLowerCase() === wanted);
  }
  /** Owner ids (users or service principals) of an application or service principal, by object id. */
  ownerIds(objectId: string, mode: ViewMode = "truth"): string[] {
    return this.ownerLinks.ownerIds(objectId, mode === "truth" ? undefined : this.view());
  }
  roleDefinitions(): RoleDefinitionJson[] {
    return structuredClone([...this.definitions]);
  }

  applicationByAppId(appId: string, mode: ViewMode = "truth"): ApplicationJson | undefined {
    const wanted = appId.toLowerCase();
    return this.first(this.apps, mode, (a) => a.appId.toLowerCase() === wanted);
  }
  applicationByUniqueName(uniqueName: string, mode: ViewMode = "truth"): ApplicationJson | undefined {
    const wanted = uniqueName.toLowerCase();
    return this.first(this.apps, mode, (a) => a.uniqueName !== null && a.uniqueName.toLowerCase() === wanted);
  }
  servicePrincipalByAppId(appId: string, mode: ViewMode = "truth"): ServicePrincipalJson | undefined {
    const wanted = appId.toLowerCase();
    return this.first(this.sps, mode, (s) => s.appId.toLowerCase() === wanted);
  }
  roleDefinition(idOrTemplateId: string): RoleDefinitionJson | undefined {
    const wanted = idOrTemplateId.toLowerCase();
    const found = this.definitions.find((d) => d.id === wanted || d.templateId === wanted);
    return found === undefined ? undefined : structuredClone(found);
  }

  /** The app's certificates with key bytes (truth unless `"visible"`); [] if the app is unknown. */
  keyCredentials(appId: string, mode: ViewMode = "truth"): KeyCredentialWithCertificate[] {
    const app = this.applicationByAppId(appId, mode);
    return (app?.keyCredentials ?? []).flatMap((k) => (k.key === null ? [] : [{ ...k, key: k.key, certificateDer: certificateDer(k.key) }]));
  }

  appRoleAssignmentsFor(servicePrincipalId: string, mode: ViewMode = "truth"): AppRoleAssignmentJson[] {
    return this.grants.filter((g) => g.principalId === servicePrincipalId, mode === "truth" ? undefined : this.view());
  }
  roleAssignmentsFor(principalId: string, mode: ViewMode = "truth"): RoleAssignmentJson[] {
    return this.roles.filter((r) => r.principalId === principalId, mode === "truth" ? undefined : this.view());
  }

  /** Seeds a user and their tenant-wide directory roles (visible at once). */
  addUser(seed: SeedUser): UserJson {
    const user = newUser(seed, this.initialDomain);
    if (this.userStore.truth(user.id) !== undefined) throw new RangeError(`addUser: a user with id ${user.id} already exists`);
    const unknown = (seed.roles ?? []).find((role) => this.roleDefinition(role) === undefined);
    if (unknown !== undefined) throw new RangeError(`addUser: unknown role template id ${unknown}`);
    for (const role of seed.roles ?? []) this.addRoleAssignment({ principalId: user.id, roleDefinitionId: role.toLowerCase() });
    return this.userStore.put(user, SEEDED);
  }

  /** Makes a user or service principal an owner of an application or service principal (visible at once). */
  addOwner(objectId: string, ownerId: string): void {
    this.ownerLinks.add(objectId, ownerId, SEEDED);
  }
  removeOwner(objectId: string, ownerId: string): boolean {
    return this.ownerLinks.remove(objectId, ownerId);
  }

  /** Seeds an application (visible at once, no validation), e.g. a hand-made "Xops-App", with optional owners. */
  addApplication(partial: Partial<ApplicationJson> & { displayName: string; owners?: string[] }): ApplicationJson {
    const { owners, ...fields } = partial;
    const app = this.apps.put(newApplication(fields, this.view().now, this.initialDomain), SEEDED);
    for (const owner of owners ?? []) this.addOwner(app.id, owner);
    return app;
  }

  /** Seeds a service principal for a seeded application or a first-party appId (visible at once). */
  addServicePrincipal(input: Partial<ServicePrincipalJson> & { appId: string; owners?: string[] }): ServicePrincipalJson {
    const { owners, ...partial } = input;
    const firstParty = this.firstPartyApp(partial.appId);
    const app = this.applicationByAppId(partial.appId);
    const source =
      firstParty !== undefined
        ? spSourceFromFirstParty(firstParty)
        : app !== undefined
          ? spSourceFromApplication(app, this.id)
          : { appId: partial.appId, displayName: partial.displayName ?? partial.appId, appRoles: [], oauth2PermissionScopes: [], servicePrincipalNames: [partial.appId], appOwnerOrganizationId: this.id, signInAudience: "AzureADMyOrg" };
    const sp = newServicePrincipal(source, { ...partial }, this.view().now);
    if (partial.id !== undefined) sp.id = partial.id;
    const stored = this.sps.put(sp, SEEDED);
    for (const owner of owners ?? []) this.addOwner(stored.id, owner);
    return stored;
  }

  /** Removes a service principal and everything assigned to or by it. */
  removeServicePrincipal(appId: string): boolean {
    const sp = this.servicePrincipalByAppId(appId);
    if (sp === undefined) return false;
    this.deleteServicePrincipalCascade(sp.id);
    return true;
  }

  /** Removes an application, its service principal (with that SP's assignments) and its owner links. */
  deleteApplicationCascade(appObjectId: string): void {
    const app = this.apps.truth(appObjectId);
    this.apps.delete(appObjectId);
    this.ownerLinks.forget(appObjectId);
    const sp = app === undefined ? undefined : this.servicePrincipalByAppId(app.appId);
    if (sp !== undefined) this.deleteServicePrincipalCascade(sp.id);
  }

  deleteServicePrincipalCascade(spId: string): void {
    this.sps.delete(spId);
    this.ownerLinks.forget(spId);
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
