/**
 * Builders for new directory objects with the defaults Graph fills in (Graph API reference: "Create
 * application", "Create servicePrincipal", "Grant an appRoleAssignment to a service principal",
 * "Create unifiedRoleAssignment"). Validation of client input happens in the routes; these only shape objects.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type {
  AppRoleAssignmentJson,
  ApplicationJson,
  AppRoleJson,
  PermissionScopeJson,
  RoleAssignmentJson,
  ServicePrincipalJson,
} from "./model.js";
import { isoDate, isRecord } from "./model.js";
import { MICROSOFT_SERVICES_TENANT_ID, type FirstPartyApp } from "./seed.js";

/** Assignment ids are opaque base64url strings in Graph, not GUIDs. */
export function opaqueId(): string {
  return randomBytes(32).toString("base64url");
}

export function newApplication(fields: Record<string, unknown>, now: number, publisherDomain: string): ApplicationJson {
  return {
    id: randomUUID(),
    appId: randomUUID(),
    applicationTemplateId: null,
    createdDateTime: isoDate(now),
    deletedDateTime: null,
    description: null,
    disabledByMicrosoftStatus: null,
    displayName: "",
    groupMembershipClaims: null,
    identifierUris: [],
    isDeviceOnlyAuthSupported: null,
    isFallbackPublicClient: null,
    notes: null,
    publisherDomain,
    serviceManagementReference: null,
    signInAudience: "AzureADandPersonalMicrosoftAccount",
    tags: [],
    tokenEncryptionKeyId: null,
    uniqueName: null,
    api: { acceptMappedClaims: null, knownClientApplications: [], requestedAccessTokenVersion: null, oauth2PermissionScopes: [], preAuthorizedApplications: [] },
    appRoles: [],
    info: { logoUrl: null, marketingUrl: null, privacyStatementUrl: null, supportUrl: null, termsOfServiceUrl: null },
    keyCredentials: [],
    optionalClaims: null,
    passwordCredentials: [],
    publicClient: { redirectUris: [] },
    requiredResourceAccess: [],
    spa: { redirectUris: [] },
    verifiedPublisher: { displayName: null, verifiedPublisherId: null, addedDateTime: null },
    web: { homePageUrl: null, logoutUrl: null, redirectUris: [], implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false } },
    ...fields,
  } as ApplicationJson;
}

function scopesOf(app: ApplicationJson): PermissionScopeJson[] {
  const api = app["api"];
  if (isRecord(api) && Array.isArray(api["oauth2PermissionScopes"])) return api["oauth2PermissionScopes"] as PermissionScopeJson[];
  return [];
}

interface SpSource {
  appId: string;
  displayName: string;
  appRoles: readonly AppRoleJson[];
  oauth2PermissionScopes: readonly PermissionScopeJson[];
  servicePrincipalNames: readonly string[];
  appOwnerOrganizationId: string;
  signInAudience: string;
}

export function spSourceFromApplication(app: ApplicationJson, tenantId: string): SpSource {
  const uris = Array.isArray(app["identifierUris"]) ? (app["identifierUris"] as string[]) : [];
  return {
    appId: app.appId,
    displayName: app.displayName,
    appRoles: app.appRoles,
    oauth2PermissionScopes: scopesOf(app),
    servicePrincipalNames: [app.appId, ...uris],
    appOwnerOrganizationId: tenantId,
    signInAudience: app.signInAudience,
  };
}

export function spSourceFromFirstParty(app: FirstPartyApp): SpSource {
  return { ...app, appOwnerOrganizationId: MICROSOFT_SERVICES_TENANT_ID, signInAudience: "AzureADMultipleOrgs" };
}

export function newServicePrincipal(source: SpSource, fields: Record<string, unknown>, now: number): ServicePrincipalJson {
  return {
    id: randomUUID(),
    accountEnabled: true,
    alternativeNames: [],
    appDescription: null,
    appDisplayName: source.displayName,
    appOwnerOrganizationId: source.appOwnerOrganizationId,
    appRoleAssignmentRequired: false,
    createdDateTime: isoDate(now),
    deletedDateTime: null,
    description: null,
    homepage: null,
    notes: null,
    preferredSingleSignOnMode: null,
    replyUrls: [],
    servicePrincipalType: "Application",
    signInAudience: source.signInAudience,
    tags: [],
    keyCredentials: [],
    passwordCredentials: [],
    ...fields,
    appId: source.appId,
    displayName: typeof fields["displayName"] === "string" ? fields["displayName"] : source.displayName,
    // A frozen list (a first-party API's, seed.ts) is shared as it is: the store keeps frozen data by reference.
    appRoles: Object.isFrozen(source.appRoles) ? (source.appRoles as AppRoleJson[]) : structuredClone([...source.appRoles]),
    oauth2PermissionScopes: Object.isFrozen(source.oauth2PermissionScopes) ? (source.oauth2PermissionScopes as PermissionScopeJson[]) : structuredClone([...source.oauth2PermissionScopes]),
    servicePrincipalNames: [...source.servicePrincipalNames],
  };
}

export function newAppRoleAssignment(principal: ServicePrincipalJson, resource: ServicePrincipalJson, appRoleId: string, now: number): AppRoleAssignmentJson {
  return {
    id: opaqueId(),
    appRoleId,
    createdDateTime: isoDate(now),
    deletedDateTime: null,
    principalDisplayName: principal.displayName,
    principalId: principal.id,
    principalType: "ServicePrincipal",
    resourceDisplayName: resource.displayName,
    resourceId: resource.id,
  };
}

export function newRoleAssignment(principalId: string, roleDefinitionId: string, directoryScopeId: string): RoleAssignmentJson {
  return { id: `${opaqueId()}-1`, principalId, roleDefinitionId, directoryScopeId };
}
