/**
 * Which app registration is "ours", in two questions. WHICH app: the one connection.json in --out
 * records, else --app-id, else the one with our uniqueName or tag, else a same-name one (someone
 * else's until proven). Is it PROVABLY entra-onboard's: marks a plain user can set (the uniqueName,
 * the tag) only identify; proof is the record in --out or owners that could have granted these
 * permissions themselves (owners.ts). An app that is not proven is only touched with --adopt, and
 * the refusal names its owners.
 */
import { ForeignAppError, InputError } from "../shared/errors.js";
import { describeOwner, isTrustedOwner } from "./owners.js";
import type { AppStatus, DesiredState, ObservedApp, OwnersObservation, RecordedOnboarding } from "./types.js";

/** What ties an app to this onboarding: the record in --out, our uniqueName, our tag. */
export type Mark = "record" | "unique-name" | "tag";

export type AppSelection =
  | { kind: "none" }
  | { kind: "found"; app: ObservedApp; marks: Mark[] }
  | { kind: "ambiguous"; apps: ObservedApp[] };

export function marksOf(app: ObservedApp, desired: Pick<DesiredState, "uniqueName" | "ownerTag">, record: RecordedOnboarding | undefined): Mark[] {
  const marks: Mark[] = [];
  if (record?.appId !== undefined && record.appId.toLowerCase() === app.appId.toLowerCase()) marks.push("record");
  if (app.uniqueName !== null && app.uniqueName.toLowerCase() === desired.uniqueName.toLowerCase()) marks.push("unique-name");
  if (app.tags.includes(desired.ownerTag)) marks.push("tag");
  return marks;
}

export function selectApp(desired: DesiredState, candidates: readonly ObservedApp[], record: RecordedOnboarding | undefined): AppSelection {
  const found = (app: ObservedApp): AppSelection => ({ kind: "found", app, marks: marksOf(app, desired, record) });
  if (desired.appId) {
    const app = candidates.find((c) => c.appId.toLowerCase() === desired.appId?.toLowerCase());
    if (!app) throw new InputError(`No app registration with appId ${desired.appId} in this tenant. Check --app-id.`);
    return found(app);
  }
  const recorded = record?.appId === undefined ? undefined : candidates.find((c) => c.appId.toLowerCase() === record.appId?.toLowerCase());
  if (recorded) return found(recorded);
  const marked = candidates.filter((c) => marksOf(c, desired, record).length > 0);
  const byUniqueName = marked.filter((c) => c.uniqueName?.toLowerCase() === desired.uniqueName.toLowerCase());
  if (byUniqueName.length === 1 && byUniqueName[0]) return found(byUniqueName[0]);
  if (marked.length === 1 && marked[0]) return found(marked[0]);
  if (marked.length > 1) return { kind: "ambiguous", apps: marked };
  const sameName = candidates.filter((c) => c.displayName.toLowerCase() === desired.displayName.toLowerCase());
  if (sameName.length === 1 && sameName[0]) return found(sameName[0]);
  if (sameName.length > 1) return { kind: "ambiguous", apps: sameName };
  return { kind: "none" };
}

/** Whether the selected app is provably entra-onboard's, and if not, why (for the refusal). */
export interface Proof {
  proven: boolean;
  /** Why it is not proven (empty when it is). */
  why: string[];
  /** Owners that could take over the app (named in the refusal and in the --adopt warning). */
  untrustedOwners: string[];
  /** Things worth saying even when proven (owners unreadable). */
  notes: string[];
}

export function proveOwnership(marks: readonly Mark[], owners: OwnersObservation | undefined): Proof {
  const recorded = marks.includes("record");
  const proof: Proof = { proven: false, why: [], untrustedOwners: [], notes: [] };
  if (marks.length === 0) {
    proof.why.push("it carries neither entra-onboard's uniqueName nor its tag, and connection.json in --out does not record it");
    return proof;
  }
  if (owners === undefined || !owners.readable) {
    const reason = owners && !owners.readable ? owners.reason : "they were not read";
    proof.notes.push(`the app's owners could not be read (${reason}), so ownership was judged by connection.json in --out alone`);
    proof.proven = recorded;
    if (!recorded) proof.why.push(`its owners could not be read (${reason}) and connection.json in --out does not record it`);
    return proof;
  }
  proof.untrustedOwners = owners.owners.filter((o) => !isTrustedOwner(o)).map(describeOwner);
  if (proof.untrustedOwners.length > 0) {
    proof.why.push(`its owners include ${proof.untrustedOwners.join("; ")}: an owner can add a credential to the app and sign in as it`);
    return proof;
  }
  if (owners.owners.length === 0 && !recorded) {
    proof.why.push("it has no owners, so nothing shows who created it, and connection.json in --out does not record it");
    return proof;
  }
  proof.proven = true;
  return proof;
}

/** The app the run will manage, or an error explaining why it will not pick one by itself. */
export function requireManageable(desired: DesiredState, selection: AppSelection, proof: Proof | undefined): void {
  if (selection.kind === "ambiguous") {
    const ids = selection.apps.map((a) => a.appId).join(", ");
    throw new ForeignAppError(
      `${selection.apps.length} app registrations are named '${desired.displayName}' (appIds ${ids}). Pick one with --app-id <appId> (add --adopt if this tool did not create it), or choose another --name.`,
    );
  }
  if (selection.kind === "found" && proof && !proof.proven && !desired.adopt) throw foreignAppError(selection.app, proof);
}

export function foreignAppError(app: ObservedApp, proof: Proof, mode: "apply" | "destroy" = "apply"): ForeignAppError {
  const owners = proof.untrustedOwners.length > 0 ? ", after removing owners you do not trust (Entra admin center > App registrations > Owners)" : "";
  const remedy =
    mode === "apply"
      ? `entra-onboard grants it nothing on its own. Re-run with --adopt to take it over as it is (existing permissions and certificates are kept)${owners}, or choose another --name.`
      : "entra-onboard deletes nothing and revokes nothing on its own. Re-run remove with --adopt to take back only what entra-onboard added to it (an app it cannot show it created is never deleted).";
  return new ForeignAppError(`An app registration named '${app.displayName}' (appId ${app.appId}) exists, but entra-onboard cannot show that it created it: ${proof.why.join("; ")}. ${remedy}`);
}

/** How a plan reports the selected app. */
export function appStatus(selection: AppSelection, proof: Proof | undefined): AppStatus {
  if (selection.kind !== "found") return { state: "absent" };
  return { state: proof?.proven ? "owned" : "adoptable", objectId: selection.app.id, appId: selection.app.appId };
}
