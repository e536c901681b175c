/**
 * The parts of planning that tie the tenant's app to --out: whose owners were read, how a plan
 * names them, and the rule that one --out holds one app (connection.json and the key in it).
 */
import { InputError } from "../shared/errors.js";
import type { ObservedApp, ObservedState, OwnersObservation, Plan } from "./types.js";

/** The owners observation when it is the selected app's. */
export function ownersOf(observed: ObservedState, app: ObservedApp): OwnersObservation | undefined {
  return observed.owners?.appObjectId.toLowerCase() === app.id.toLowerCase() ? observed.owners : undefined;
}

/** The owners as a plan shows them. */
export function plannedOwners(observed: ObservedState, app: ObservedApp | undefined): Plan["app"]["owners"] {
  const owners = app ? ownersOf(observed, app) : undefined;
  if (owners === undefined) return undefined;
  return owners.readable ? owners.owners.map((o) => ({ id: o.id, name: o.name, standing: o.standing })) : "unreadable";
}

/**
 * --out records app A, but the run manages app B (picked with --app-id) while A still exists:
 * writing B's connection.json would lose A's, and A's key must never go to B.
 */
export function checkRecordedApp(observed: ObservedState, app: ObservedApp | undefined): void {
  const recorded = observed.record?.appId;
  if (!app || recorded === undefined || recorded === app.appId.toLowerCase()) return;
  if (!observed.candidates.some((c) => c.appId.toLowerCase() === recorded)) return;
  const what = observed.heldCertificate ? "key" : "connection";
  throw new InputError(`--out holds the ${what} of app ${recorded}, not of app ${app.appId}; use a separate --out per app.`);
}
