/**
 * rotate's planner: pure, like computePlan (which it starts from, so the same app is found and the
 * same ownership rules refuse the same apps). It plans only certificates: add a new one next to the
 * connection's current one (generated here, or the admin's --certificate), and retire the ones
 * named, never a certificate entra-onboard did not add unless it is named (rotate.ts confirms it).
 */
import { InputError } from "../shared/errors.js";
import { computePlan } from "./plan.js";
import type { Action, DesiredState, ObservedState, Plan } from "./types.js";

export interface RotationRequest {
  /** What to add: a generated certificate, the admin's file, or nothing (retire only). */
  add: "generate" | "file" | undefined;
  /** The certificate held in --out when the run started: a different one held later is the new one. */
  before: string | undefined;
  /** Thumbprints to take off the app. */
  retire: readonly string[];
  /** Check the request (the first plan); the convergence passes only re-plan what is left to do. */
  check: boolean;
}

export function planRotation(desired: DesiredState, observed: ObservedState, now: Date, request: RotationRequest): Plan {
  const base = computePlan({ ...desired, certificate: { mode: "none" } }, observed, now);
  if (base.app.state === "absent") {
    throw new InputError(`Nothing to rotate: this tenant has no app registration '${desired.displayName}' of entra-onboard's. Run entra-onboard apply first.`);
  }
  const app = observed.candidates.find((c) => c.id === (base.app.state === "absent" ? "" : base.app.objectId));
  const keys = (app?.keyCredentials ?? []).filter((k) => k.type === "AsymmetricX509Cert" && k.usage === "Verify");
  const onApp = (t: string) => keys.some((k) => k.thumbprint?.toUpperCase() === t.toUpperCase());
  const current = base.certificate.state === "present" ? base.certificate.thumbprint : undefined;
  const actions: Action[] = [];
  const unchanged = [...base.unchanged];
  let certificate = base.certificate;
  const replaces = (t: string | undefined) => (current && current !== t ? [current] : []);

  const choice = desired.certificate;
  if (request.add === "file" && choice.mode === "file") {
    const cert = choice.certificate;
    certificate = { state: onApp(cert.thumbprint) ? "present" : "pending", thumbprint: cert.thumbprint, source: "brought", expires: cert.notAfter.toISOString() };
    if (!onApp(cert.thumbprint)) actions.push({ kind: "add-certificate", source: "file", thumbprint: cert.thumbprint, path: choice.path, replaces: replaces(cert.thumbprint) });
  } else if (request.add === "generate" && choice.mode === "generate") {
    const held = observed.heldCertificate;
    const fresh = held && held.thumbprint !== request.before ? held : undefined;
    if (fresh) {
      certificate = { state: onApp(fresh.thumbprint) ? "present" : "pending", thumbprint: fresh.thumbprint, source: "generated", expires: fresh.notAfter.toISOString() };
      if (!onApp(fresh.thumbprint)) actions.push({ kind: "add-certificate", source: "held", thumbprint: fresh.thumbprint, path: fresh.cerPath, replaces: replaces(fresh.thumbprint) });
    } else {
      certificate = { state: "pending", thumbprint: undefined, source: "generated" };
      actions.push({ kind: "add-certificate", source: "generate", keySizeBits: choice.keySizeBits, validityDays: choice.validityDays, replaces: replaces(undefined) });
    }
  }

  const retiring = request.retire.filter((t) => onApp(t));
  if (request.check) checkRetire(request, { onApp, current, adding: request.add ? certificate.thumbprint : undefined, appId: base.app.appId });
  if (app && retiring.length > 0) {
    const recorded = observed.record?.certificates ?? [];
    const foreign = retiring.filter((t) => !recorded.includes(t.toUpperCase()));
    actions.push({ kind: "remove-certificates", appObjectId: app.id, appId: app.appId, thumbprints: retiring, retire: true, ...(foreign.length > 0 ? { notAddedByEntraOnboard: foreign } : {}) });
  }
  const pending = base.actions.length;
  const warnings = [...base.warnings];
  if (pending > 0) warnings.push(`the onboarding also differs from the profile (${pending} change${pending === 1 ? "" : "s"}: ${base.actions.map((a) => a.kind).join(", ")}); rotate changes only certificates: run entra-onboard apply for the rest`);
  return { ...base, mode: "rotate", certificate, actions, warnings, unchanged };
}

function checkRetire(request: RotationRequest, what: { onApp: (t: string) => boolean; current: string | undefined; adding: string | undefined; appId: string }): void {
  for (const t of request.retire) {
    if (!what.onApp(t)) throw new InputError(`--retire ${t}: app ${what.appId} has no certificate with that thumbprint; entra-onboard status lists the ones it has.`);
    if (t === what.adding) throw new InputError(`--retire ${t} is the certificate this run attaches; name the one it takes over from.`);
    if (t === what.current && request.add === undefined) {
      throw new InputError(`--retire ${t} is the connection's current certificate: add its successor first (entra-onboard rotate, or rotate --certificate <file>), then retire it.`);
    }
  }
}
