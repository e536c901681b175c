/**
 * The request catalogue: every Microsoft Graph request the tool sends, as values. Nothing else in
 * src/core/ builds a URL or a body; observe, the steps, remove and verify pick requests from here
 * and hand them to the Graph door (src/graph/). A new action touches this file; a new cloud, clouds.ts.
 *
 * Paths are relative to the version root (https://graph.microsoft.com/v1.0); the host comes from
 * the session, so a national cloud ("Microsoft Graph national cloud deployments") changes only the
 * root passed to src/graph: each cloud's roots and resource identifiers are the table in clouds.ts.
 * Bodies are checked against the Graph wire types of @microsoft/microsoft-graph-types (types only,
 * nothing is loaded).
 */
import type * as MicrosoftGraph from "@microsoft/microsoft-graph-types";
import { odataString } from "../graph/odata.js";
import type { GraphRequest } from "../graph/types.js";

/** The application properties observe needs ("application resource type", Graph v1.0 reference). */
const APP_FIELDS = "id,appId,displayName,uniqueName,tags,signInAudience,requiredResourceAccess,keyCredentials";
export const SP_ID_FIELDS = "id,appId";
export const RESOURCE_SP_FIELDS = "id,appId,displayName,appRoles";
const SINGLE_TENANT = "AzureADMyOrg";

/** Reads: observe batches them; the steps re-use them to find what a concurrent run created. */
export const reads = {
  organization: (): GraphRequest => ({ method: "GET", url: "/organization?$select=id,displayName,verifiedDomains", operation: "read organization" }),
  appsByName: (name: string): GraphRequest => ({
    method: "GET",
    url: `/applications?$filter=displayName%20eq%20'${odataString(name)}'&$select=${APP_FIELDS}`,
    operation: `find app registrations named '${name}'`,
  }),
  /**
   * The app holding a uniqueName, through the alternate key "Upsert application" defines (Graph
   * v1.0 reference; "Get application" documents only id and appId, and uniqueName has no $filter).
   * It finds an app someone upserted with our key under another display name before any write; a
   * Graph that does not serve it answers an error here, and then the name and tag still find ours.
   */
  appByUniqueName: (uniqueName: string): GraphRequest => ({
    method: "GET",
    url: `/applications(uniqueName='${odataString(uniqueName)}')?$select=${APP_FIELDS}`,
    operation: `find app registration ${uniqueName}`,
    accept: [400, 404, 405, 501],
  }),
  /**
   * "List owners of an application" (Graph v1.0 reference): users and service principals, typed by
   * @odata.type. A Graph that does not serve the path (a mock built from the core docs) answers an
   * error, and ownership is then judged by connection.json alone.
   */
  owners: (appObjectId: string): GraphRequest => ({
    method: "GET",
    url: `/applications/${appObjectId}/owners?$select=id,displayName,userPrincipalName,appId`,
    operation: "read the app's owners",
    accept: [400, 403, 404, 405, 501],
  }),
  /** An owner's tenant-wide roles ("List unifiedRoleAssignments", filtered by principalId). */
  principalRoles: (principalId: string, name: string): GraphRequest => ({
    method: "GET",
    url: `/roleManagement/directory/roleAssignments?$filter=principalId%20eq%20'${odataString(principalId)}'`,
    operation: `read the directory roles of ${name}`,
    accept: [400, 403, 404],
  }),
  appsByAppId: (appId: string): GraphRequest => ({
    method: "GET",
    url: `/applications?$filter=appId%20eq%20'${odataString(appId)}'&$select=${APP_FIELDS}`,
    operation: `find app registration ${appId}`,
  }),
  // The appId alternate key ("Get servicePrincipal", Graph v1.0 reference); 404 means the tenant has none.
  servicePrincipal: (appId: string, fields: string): GraphRequest => ({
    method: "GET",
    url: `/servicePrincipals(appId='${odataString(appId)}')?$select=${fields}`,
    operation: `find service principal for ${appId}`,
    accept: [404],
  }),
  // "List roleDefinitions" (Graph v1.0 reference). If a Graph deployment refuses it, plan falls
  // back to the built-in template ids.
  roleDefinitions: (): GraphRequest => ({
    method: "GET",
    url: "/roleManagement/directory/roleDefinitions?$select=id,displayName,templateId",
    operation: "read directory role definitions",
    accept: [400, 403, 404, 501],
  }),
  appRoleAssignments: (spId: string): GraphRequest => ({
    method: "GET",
    url: `/servicePrincipals/${spId}/appRoleAssignments`,
    operation: "read the app's granted permissions",
  }),
  roleAssignments: (spId: string): GraphRequest => ({
    method: "GET",
    url: `/roleManagement/directory/roleAssignments?$filter=principalId%20eq%20'${odataString(spId)}'`,
    operation: "read the app's directory roles",
  }),
};

/** The writes, one per action kind. Retry and "already exists" rules travel with each request. */
export const writes = {
  /** "Create servicePrincipal" for a first-party API missing from the tenant (e.g. no Exchange licence). */
  createResourceServicePrincipal: (resourceAppId: string, resourceName: string): GraphRequest => ({
    method: "POST",
    url: "/servicePrincipals",
    body: { appId: resourceAppId } satisfies MicrosoftGraph.ServicePrincipal,
    operation: `create service principal for ${resourceName}`,
    existsOn: ["duplicate-service-principal"],
  }),

  /**
   * "Upsert application" (Graph v1.0 reference): PATCH by the uniqueName alternate key with
   * `Prefer: create-if-missing` answers 201 with the new app, or 204 when it already exists, so a
   * re-run, a crashed run or a concurrent run can never make a second app.
   */
  upsertApplication: (app: {
    uniqueName: string;
    displayName: string;
    tags: string[];
    requiredResourceAccess: MicrosoftGraph.RequiredResourceAccess[];
  }): GraphRequest => ({
    method: "PATCH",
    url: `/applications(uniqueName='${odataString(app.uniqueName)}')`,
    headers: { Prefer: "create-if-missing" },
    body: {
      displayName: app.displayName,
      signInAudience: SINGLE_TENANT,
      requiredResourceAccess: app.requiredResourceAccess,
      tags: app.tags,
    } satisfies MicrosoftGraph.Application,
    operation: `create application ${app.displayName}`,
    retryOn: ["msa-app-does-not-exist"],
  }),

  /** --adopt: mark a same-name app as ours with the owner tag ("Update application"). */
  tagApplication: (objectId: string, appId: string, tags: string[]): GraphRequest => ({
    method: "PATCH",
    url: `/applications/${objectId}`,
    body: { tags } satisfies MicrosoftGraph.Application,
    operation: `mark application ${appId} as managed by entra-onboard`,
    retryOn: ["not-found", "msa-app-does-not-exist"],
  }),

  /** Missing API permissions, the audience, and (with --rename) the display name and its tag. */
  updateApplication: (
    objectId: string,
    displayName: string,
    changes: { requiredResourceAccess?: MicrosoftGraph.RequiredResourceAccess[]; signInAudience?: string; displayName?: string; tags?: string[] },
  ): GraphRequest => ({
    method: "PATCH",
    url: `/applications/${objectId}`,
    body: changes satisfies MicrosoftGraph.Application,
    operation: `update application ${displayName}`,
    retryOn: ["not-found", "msa-app-does-not-exist"],
  }),

  /**
   * PATCH replaces the whole keyCredentials collection ("Add a certificate to an app using
   * Microsoft Graph", Microsoft Learn), so `existing` is every entry exactly as Graph listed it
   * (key: null) and `added` is appended.
   */
  setKeyCredentials: (objectId: string, displayName: string, thumbprint: string, existing: readonly Record<string, unknown>[], added: MicrosoftGraph.KeyCredential): GraphRequest => ({
    method: "PATCH",
    url: `/applications/${objectId}`,
    body: { keyCredentials: [...existing, added] },
    operation: `add certificate ${thumbprint} to ${displayName}`,
    retryOn: ["not-found", "msa-app-does-not-exist"],
  }),

  /**
   * remove on an adopted app: the keyCredentials list without the certificates entra-onboard added
   * (the same whole-list PATCH, "Update application"); `remaining` is every other entry as listed.
   */
  removeKeyCredentials: (objectId: string, appId: string, thumbprints: readonly string[], remaining: readonly Record<string, unknown>[]): GraphRequest => ({
    method: "PATCH",
    url: `/applications/${objectId}`,
    body: { keyCredentials: [...remaining] },
    operation: `remove certificate${thumbprints.length === 1 ? "" : "s"} ${thumbprints.join(", ")} from application ${appId}`,
    retryOn: ["not-found"],
  }),

  /** remove on an adopted app: its tags without entra-onboard's, and the API permissions it listed taken off the list. */
  untagApplication: (objectId: string, appId: string, changes: { tags: string[]; requiredResourceAccess?: MicrosoftGraph.RequiredResourceAccess[] | undefined }): GraphRequest => ({
    method: "PATCH",
    url: `/applications/${objectId}`,
    body: (changes.requiredResourceAccess ? { tags: changes.tags, requiredResourceAccess: changes.requiredResourceAccess } : { tags: changes.tags }) satisfies MicrosoftGraph.Application,
    operation: `remove entra-onboard's tag from application ${appId}`,
    retryOn: ["not-found"],
  }),

  /** "Delete appRoleAssignment" from the client service principal; already gone is what was wanted. */
  revokeAppRole: (servicePrincipalId: string, assignmentId: string, label: string): GraphRequest => ({
    method: "DELETE",
    url: `/servicePrincipals/${servicePrincipalId}/appRoleAssignments/${encodeURIComponent(assignmentId)}`,
    operation: `revoke admin consent for ${label}`,
    accept: [404],
  }),

  /** "Delete unifiedRoleAssignment"; already gone is what was wanted. */
  removeDirectoryRole: (assignmentId: string, roleName: string): GraphRequest => ({
    method: "DELETE",
    url: `/roleManagement/directory/roleAssignments/${encodeURIComponent(assignmentId)}`,
    operation: `remove directory role ${roleName}`,
    accept: [404],
  }),

  /** "Create servicePrincipal" for our app; retried while the new app has not replicated yet. */
  createServicePrincipal: (appId: string, displayName: string): GraphRequest => ({
    method: "POST",
    url: "/servicePrincipals",
    body: { appId } satisfies MicrosoftGraph.ServicePrincipal,
    operation: `create service principal for ${displayName}`,
    retryOn: ["no-backing-application", "backing-application-not-local"],
    existsOn: ["duplicate-service-principal"],
  }),

  /** Admin consent for an application permission: "Grant an appRoleAssignment for a service principal". */
  grantAppRole: (grant: { principalId: string; resourceSpId: string; appRoleId: string; label: string }): GraphRequest => ({
    method: "POST",
    url: `/servicePrincipals/${grant.resourceSpId}/appRoleAssignedTo`,
    body: { principalId: grant.principalId, resourceId: grant.resourceSpId, appRoleId: grant.appRoleId } satisfies MicrosoftGraph.AppRoleAssignment,
    operation: `grant admin consent for ${grant.label}`,
    retryOn: ["not-found", "not-a-valid-reference-update"],
    existsOn: ["duplicate-app-role-assignment"],
  }),

  /** A tenant-wide directory role: "Create unifiedRoleAssignment" (directoryScopeId "/"). */
  assignDirectoryRole: (principalId: string, roleDefinitionId: string, roleName: string): GraphRequest => ({
    method: "POST",
    url: "/roleManagement/directory/roleAssignments",
    body: {
      "@odata.type": "#microsoft.graph.unifiedRoleAssignment",
      principalId,
      roleDefinitionId,
      directoryScopeId: "/",
    } satisfies MicrosoftGraph.UnifiedRoleAssignment & { "@odata.type": string },
    operation: `assign directory role ${roleName}`,
    retryOn: ["not-found", "not-a-valid-reference-update"],
    existsOn: ["duplicate-role-assignment"],
  }),

  /**
   * "Delete application" (Graph v1.0 reference): the app moves to deleted items and its service
   * principal, with its app role and directory role assignments, goes with it. Already gone (a
   * concurrent remove, or a re-run) is what was wanted.
   */
  deleteApplication: (objectId: string, appId: string, displayName: string): GraphRequest => ({
    method: "DELETE",
    url: `/applications/${objectId}`,
    operation: `delete application ${displayName} (${appId})`,
    accept: [404],
  }),
};

/** What verify reads while signed in as the onboarded app: cheap GETs its permissions allow. */
export const appChecks = {
  organization: (): GraphRequest => ({ method: "GET", url: "/organization?$select=id", operation: "Graph read: GET /organization", accept: [401, 403] }),
  accessReviews: (): GraphRequest => ({
    method: "GET",
    url: "/identityGovernance/accessReviews/definitions?$top=1",
    operation: "Graph read: GET access review definitions",
    accept: [401, 403],
  }),
};
