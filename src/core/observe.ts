/**
 * observeTenant: read everything the planner needs, never writing. Reads go out as JSON $batch
 * rounds: round 1 reads the tenant, the candidate apps, the resource service principals and the
 * role definitions (and, when ids are already known from hints, the app's service principal and
 * its assignments too); later rounds only fetch what round 1 could not know. A no-op re-run with
 * hints is one round trip; without hints at most three.
 */
import type { Graph, GraphRequest } from "../graph/types.js";
import { selectApp } from "./identity.js";
import { parseApplication, parseAppRoleAssignment, parseOrganization, parseResourceSp, parseRoleAssignment, parseRoleDefinition, type Page } from "./parse.js";
import { reads, RESOURCE_SP_FIELDS, SP_ID_FIELDS } from "./requests.js";
import type { DesiredState, HeldCertificate, ObservedApp, ObservedState, ObserveHints, ResourceServicePrincipal, RoleDefinition } from "./types.js";
import { KNOWN_RESOURCES, ROLE_NAMES } from "./well-known.js";

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

export async function observeTenant(
  graph: Graph,
  desired: DesiredState,
  heldCertificate: HeldCertificate | undefined,
  hints: ObserveHints = {},
): Promise<ObservedState> {
  // Every known resource, not only the profile's: an extra grant on another API (e.g. a Graph
  // permission under the m365 profile) must be reported by name, and it costs no extra round trip.
  const resourceAppIds = [...new Set([...desired.profile.permissions.map((p) => p.resourceAppId), ...KNOWN_RESOURCES.map((r) => r.appId)])];
  const round1 = await readRound(graph, [
    reads.organization(),
    reads.appsByName(desired.displayName),
    desired.appId ? reads.appsByAppId(desired.appId) : undefined,
    reads.roleDefinitions(),
    hints.appId ? reads.servicePrincipal(hints.appId, SP_ID_FIELDS) : undefined,
    // Hints come from an earlier run and may be stale: a 404 just means "read it the long way".
    hints.servicePrincipalId ? { ...reads.appRoleAssignments(hints.servicePrincipalId), accept: [404] } : undefined,
    hints.servicePrincipalId ? { ...reads.roleAssignments(hints.servicePrincipalId), accept: [404] } : undefined,
    ...resourceAppIds.map((appId) => reads.servicePrincipal(appId, RESOURCE_SP_FIELDS)),
  ]);
  const [org, byName, byAppId, definitions, hintedSp, hintedGrants, hintedRoles, ...resourceLists] = round1;

  const candidates = dedupe([...(byName ?? []), ...(byAppId ?? [])].map(parseApplication));
  const resources: Record<string, ResourceServicePrincipal | null> = {};
  resourceAppIds.forEach((appId, i) => {
    const found = resourceLists[i]?.[0];
    resources[appId] = found === undefined ? null : parseResourceSp(found);
  });

  const selection = selectApp({ ...desired, adopt: true }, candidates);
  const app: ObservedApp | undefined = selection.kind === "owned" || selection.kind === "foreign" ? selection.app : undefined;

  let sp: { id: string; appId: string } | undefined;
  if (app) {
    const fromHint = hints.appId === app.appId ? hintedSp?.[0] : undefined;
    const list = fromHint !== undefined ? [fromHint] : (await readRound(graph, [reads.servicePrincipal(app.appId, SP_ID_FIELDS)]))[0];
    const first = list?.[0] as { id?: string; appId?: string } | undefined;
    if (first?.id) sp = { id: first.id, appId: first.appId ?? app.appId };
  }

  let grants: unknown[] = [];
  let roles: unknown[] = [];
  if (sp) {
    if (hints.servicePrincipalId === sp.id && hintedGrants && hintedRoles) {
      grants = hintedGrants;
      roles = hintedRoles;
    } else {
      const [g, r] = await readRound(graph, [reads.appRoleAssignments(sp.id), reads.roleAssignments(sp.id)]);
      grants = g ?? [];
      roles = r ?? [];
    }
  }

  return {
    tenant: parseOrganization(org?.[0]),
    candidates,
    servicePrincipal: sp,
    resources,
    roleDefinitions: definitions ? definitions.map(parseRoleDefinition) : BUILT_IN_ROLE_DEFINITIONS,
    appRoleAssignments: grants.map(parseAppRoleAssignment),
    roleAssignments: roles.map(parseRoleAssignment),
    heldCertificate,
  };
}

function dedupe(apps: ObservedApp[]): ObservedApp[] {
  return apps.filter((app, i) => apps.findIndex((other) => other.id === app.id) === i);
}
