/**
 * observeTenant: read everything the planner needs, never writing. Reads go out as JSON $batch
 * rounds: round 1 reads the tenant, the candidate apps (by name, by our uniqueName, the recorded
 * app, the --app-id app), the resource service principals and the role definitions (and, when ids
 * are known from hints, the app's service principal, its assignments and its owners too); later
 * rounds only fetch what round 1 could not know. A no-op re-run with hints is one round trip;
 * without hints at most three. Owners other than the signed-in admin cost their role reads, in a
 * round that is already needed or, with hints, one more.
 */
import type { Graph, GraphRequest } from "../graph/types.js";
import { cloudOf, observedResourceAppIds, type CloudName } from "./clouds.js";
import { selectApp } from "./identity.js";
import { ownerStanding, ownersToCheck, parseOwner, type OwnerObject } from "./owners.js";
import { parseApplication, parseAppRoleAssignment, parseOrganization, parseResourceSp, parseRoleAssignment, parseRoleDefinition, type Page } from "./parse.js";
import { reads, RESOURCE_SP_FIELDS, SP_ID_FIELDS } from "./requests.js";
import type { DesiredState, HeldCertificate, ObservedApp, ObservedState, ObserveHints, OwnersObservation, RecordedOnboarding, ResourceServicePrincipal, RoleDefinition } from "./types.js";
import { ROLE_NAMES } from "./well-known.js";

/**
 * The built-in role template ids ("Microsoft Entra built-in roles", Microsoft Learn), used only
 * when the tenant's role definitions cannot be listed.
 */
const BUILT_IN_ROLE_DEFINITIONS: RoleDefinition[] = Object.entries(ROLE_NAMES).map(([templateId, displayName]) => ({ id: templateId, templateId, displayName }));

/**
 * Issues a round of reads and returns, per request, the collected `value` of a collection
 * (following nextLinks) or a single entity as a one-item list. An accepted error answer (absent
 * object, stale hint, unsupported endpoint) comes back as undefined: "nothing read".
 */
async function readRound(graph: Graph, requests: (GraphRequest | undefined)[]): Promise<(unknown[] | undefined)[]> {
  const present = requests.filter((r): r is GraphRequest => r !== undefined);
  if (present.length === 0) return requests.map(() => undefined);
  const responses = await graph.batch(present);
  const pages = await Promise.all(
    responses.map((response, i) => {
      if (response.status >= 300) return undefined;
      const body = (response.body ?? {}) as Page;
      return Array.isArray(body.value) ? graph.pages(body, present[i]?.operation ?? "read") : [body];
    }),
  );
  let next = 0;
  return requests.map((r) => (r === undefined ? undefined : pages[next++]));
}

export interface ObserveInputs {
  desired: DesiredState;
  heldCertificate: HeldCertificate | undefined;
  hints?: ObserveHints | undefined;
  /** connection.json's record for this tenant (the in-memory one while apply runs). */
  record?: RecordedOnboarding | undefined;
  /** The signed-in admin (token `oid`): an owner whose roles need no reading. */
  signedInId?: string | undefined;
  /** The tenant's cloud (default global): what the planner may assume about its APIs (clouds.ts). */
  cloud?: CloudName | undefined;
}

export async function observeTenant(graph: Graph, inputs: ObserveInputs): Promise<ObservedState> {
  const { desired, record } = inputs;
  const hints = inputs.hints ?? {};
  // The cloud's usual resources, not only the profile's: an extra grant on another API (e.g. a Graph
  // permission under the m365 profile) must be reported by name, and it costs no extra round trip.
  const cloud = cloudOf(inputs.cloud);
  const resourceAppIds = [...new Set([...desired.profile.permissions.map((p) => p.resourceAppId), ...observedResourceAppIds(cloud)])];
  const recordedAppId = record?.appId !== undefined && record.appId !== desired.appId?.toLowerCase() ? record.appId : undefined;
  const round1 = await readRound(graph, [
    reads.organization(),
    reads.appsByName(desired.displayName),
    desired.appId ? reads.appsByAppId(desired.appId) : undefined,
    recordedAppId ? reads.appsByAppId(recordedAppId) : undefined,
    reads.appByUniqueName(desired.uniqueName),
    reads.roleDefinitions(),
    hints.appId ? reads.servicePrincipal(hints.appId, SP_ID_FIELDS) : undefined,
    // Hints come from an earlier run and may be stale: a 404 just means "read it the long way".
    hints.servicePrincipalId ? { ...reads.appRoleAssignments(hints.servicePrincipalId), accept: [404] } : undefined,
    hints.servicePrincipalId ? { ...reads.roleAssignments(hints.servicePrincipalId), accept: [404] } : undefined,
    hints.appObjectId ? reads.owners(hints.appObjectId) : undefined,
    ...resourceAppIds.map((appId) => reads.servicePrincipal(appId, RESOURCE_SP_FIELDS)),
  ]);
  const [org, byName, byAppId, byRecord, byUniqueName, definitionList, hintedSp, hintedGrants, hintedRoles, hintedOwners, ...resourceLists] = round1;

  const candidates = dedupe([...(byName ?? []), ...(byAppId ?? []), ...(byRecord ?? []), ...(byUniqueName ?? [])].map(parseApplication));
  const resources: Record<string, ResourceServicePrincipal | null> = {};
  resourceAppIds.forEach((appId, i) => {
    const found = resourceLists[i]?.[0];
    resources[appId] = found === undefined ? null : parseResourceSp(found);
  });
  const roleDefinitions = definitionList ? definitionList.map(parseRoleDefinition) : BUILT_IN_ROLE_DEFINITIONS;

  const selection = selectApp(desired, candidates, record);
  const app: ObservedApp | undefined = selection.kind === "found" ? selection.app : undefined;

  // Round 2: the app's service principal and owners, unless round 1 had them from hints.
  const spFromHint = app && hints.appId?.toLowerCase() === app.appId.toLowerCase() ? hintedSp : undefined;
  const ownersFromHint = app && hints.appObjectId?.toLowerCase() === app.id.toLowerCase() ? { list: hintedOwners } : undefined;
  let spList = spFromHint;
  let ownerList = ownersFromHint?.list;
  if (app && (spFromHint === undefined || ownersFromHint === undefined)) {
    const [readSp, readOwners] = await readRound(graph, [
      spFromHint === undefined ? reads.servicePrincipal(app.appId, SP_ID_FIELDS) : undefined,
      ownersFromHint === undefined ? reads.owners(app.id) : undefined,
    ]);
    if (spFromHint === undefined) spList = readSp;
    if (ownersFromHint === undefined) ownerList = readOwners;
  }
  const first = spList?.[0] as { id?: string; appId?: string } | undefined;
  const sp = app && first?.id ? { id: first.id, appId: first.appId ?? app.appId } : undefined;
  const ownerObjects = ownerList?.flatMap((o) => parseOwner(o) ?? []);

  // Round 3: what hangs off the service principal, and the roles of owners other than the admin.
  const grantsHinted = sp !== undefined && hints.servicePrincipalId === sp.id && hintedGrants !== undefined && hintedRoles !== undefined;
  const toCheck = ownersToCheck(ownerObjects ?? [], inputs.signedInId);
  const round3 = await readRound(graph, [
    sp && !grantsHinted ? reads.appRoleAssignments(sp.id) : undefined,
    sp && !grantsHinted ? reads.roleAssignments(sp.id) : undefined,
    ...toCheck.map((o) => reads.principalRoles(o.id, o.name)),
  ]);
  const [readGrants, readRoles, ...ownerRoles] = round3;

  return {
    tenant: parseOrganization(org?.[0]),
    candidates,
    owners: app ? ownersObservation(app.id, ownerObjects, toCheck, ownerRoles, inputs.signedInId, roleDefinitions) : undefined,
    record,
    servicePrincipal: sp,
    resources,
    roleDefinitions,
    appRoleAssignments: (sp ? (grantsHinted ? hintedGrants : readGrants) ?? [] : []).map(parseAppRoleAssignment),
    roleAssignments: (sp ? (grantsHinted ? hintedRoles : readRoles) ?? [] : []).map(parseRoleAssignment),
    heldCertificate: inputs.heldCertificate,
    cloud: cloud.name,
  };
}

function ownersObservation(
  appObjectId: string,
  owners: OwnerObject[] | undefined,
  checked: readonly OwnerObject[],
  checkedRoles: readonly (unknown[] | undefined)[],
  signedInId: string | undefined,
  definitions: readonly RoleDefinition[],
): OwnersObservation {
  if (owners === undefined) return { readable: false, appObjectId, reason: "Graph did not serve GET /applications/{id}/owners" };
  return {
    readable: true,
    appObjectId,
    owners: owners.map((owner) => {
      const i = checked.indexOf(owner);
      const roles = i < 0 ? [] : checkedRoles[i]?.map(parseRoleAssignment);
      return ownerStanding(owner, signedInId, roles, definitions);
    }),
  };
}

function dedupe(apps: ObservedApp[]): ObservedApp[] {
  return apps.filter((app, i) => apps.findIndex((other) => other.id === app.id) === i);
}
