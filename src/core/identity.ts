/**
 * Which app registration is "ours". Identity never comes from the display name alone: an app is
 * ours when it carries our uniqueName (set by the create-if-missing upsert) or our owner tag (set
 * by --adopt). A same-name app without either belongs to someone else and is only touched with
 * --adopt; several of them need --app-id.
 */
import { ForeignAppError, InputError } from "../shared/errors.js";
import type { AppStatus, DesiredState, ObservedApp } from "./types.js";

export type AppSelection =
  | { kind: "none" }
  | { kind: "owned"; app: ObservedApp }
  | { kind: "foreign"; app: ObservedApp }
  | { kind: "ambiguous"; apps: ObservedApp[] };

export function isOwned(app: ObservedApp, desired: Pick<DesiredState, "uniqueName" | "ownerTag">): boolean {
  return (
    (app.uniqueName !== null && app.uniqueName.toLowerCase() === desired.uniqueName.toLowerCase()) ||
    app.tags.includes(desired.ownerTag)
  );
}

export function selectApp(desired: DesiredState, candidates: readonly ObservedApp[]): AppSelection {
  if (desired.appId) {
    const app = candidates.find((c) => c.appId.toLowerCase() === desired.appId?.toLowerCase());
    if (!app) throw new InputError(`No app registration with appId ${desired.appId} in this tenant. Check --app-id.`);
    return isOwned(app, desired) ? { kind: "owned", app } : { kind: "foreign", app };
  }
  const owned = candidates.filter((c) => isOwned(c, desired));
  const byUniqueName = owned.filter((c) => c.uniqueName?.toLowerCase() === desired.uniqueName.toLowerCase());
  if (byUniqueName.length === 1 && byUniqueName[0]) return { kind: "owned", app: byUniqueName[0] };
  if (owned.length === 1 && owned[0]) return { kind: "owned", app: owned[0] };
  if (owned.length > 1) return { kind: "ambiguous", apps: owned };
  const sameName = candidates.filter((c) => c.displayName.toLowerCase() === desired.displayName.toLowerCase());
  if (sameName.length === 0) return { kind: "none" };
  if (sameName.length === 1 && sameName[0]) return { kind: "foreign", app: sameName[0] };
  return { kind: "ambiguous", apps: sameName };
}

/** The app the run will manage, or an error explaining why it will not pick one by itself. */
export function requireManageable(desired: DesiredState, selection: AppSelection): AppSelection {
  if (selection.kind === "ambiguous") {
    const ids = selection.apps.map((a) => a.appId).join(", ");
    throw new ForeignAppError(
      `${selection.apps.length} app registrations are named '${desired.displayName}' (appIds ${ids}). Pick one with --app-id <appId> (add --adopt if this tool did not create it), or choose another --name.`,
    );
  }
  if (selection.kind === "foreign" && !desired.adopt) {
    throw new ForeignAppError(
      `An app registration named '${desired.displayName}' (appId ${selection.app.appId}) exists but was not created by entra-onboard. Re-run with --adopt to take it over (existing permissions and certificates are kept), or choose another --name.`,
    );
  }
  return selection;
}

/** How a plan reports the selected app. */
export function appStatus(selection: AppSelection): AppStatus {
  if (selection.kind !== "owned" && selection.kind !== "foreign") return { state: "absent" };
  return { state: selection.kind === "owned" ? "owned" : "adoptable", objectId: selection.app.id, appId: selection.app.appId };
}
