/**
 * The parts of planning that tie the tenant's app to --out: whose owners were read, how a plan
 * names them, and the rule that one --out holds one app (connection.json and the key in it).
 */
import { InputError } from "../shared/errors.js";
import type { DesiredState, ObservedApp, ObservedState, OwnersObservation, Plan } from "./types.js";

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
 * One --out holds one app. The recorded app is the one to manage; another one (picked with
 * --app-id) while it still exists would lose its connection.json, and its key must never go to
 * another app. When the recorded app is gone, the record still names an onboarding: reusing the
 * --out (and its key) is fine for the same name, and refused for another one.
 */
export function checkRecordedApp(desired: DesiredState, observed: ObservedState, app: ObservedApp | undefined): void {
  const record = observed.record;
  if (!record) return;
  const what = observed.heldCertificate ? "key" : "connection";
  const recorded = record.appId === undefined ? undefined : observed.candidates.find((c) => c.appId.toLowerCase() === record.appId);
  if (recorded) {
    if (app && recorded.appId !== app.appId) throw new InputError(`--out holds the ${what} of app ${recorded.appId}, not of app ${app.appId}; use a separate --out per app.`);
    return;
  }
  const names = [desired.uniqueName, desired.legacyUniqueName].map((n) => n.toLowerCase());
  if (!names.includes(record.uniqueName.toLowerCase()) && !desired.rename) {
    const gone = record.appId ? `app ${record.appId}, which is no longer in this tenant` : "an onboarding that never finished";
    throw new InputError(`--out holds the ${what} of '${record.displayName ?? record.uniqueName}' (${gone}), not of '${desired.displayName}'; use a separate --out per app.`);
  }
}
