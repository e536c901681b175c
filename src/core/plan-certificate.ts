/**
 * The certificate part of planning. Certificates are only ever added, never replaced: the one the
 * connection signs in with is found (the certificate given with --certificate, the key kept in
 * --out, or one connection.json records, generated or brought), checked for expiry, and renewed by
 * adding a new one next to it when entra-onboard holds its key. A certificate on the app that
 * entra-onboard neither made nor was given is drift; one is added silently only when the app has
 * none, or when we hold the private key of one missing from the app (a run that crashed between
 * writing the key and uploading it).
 */
import { DEFAULT_EXPIRY_WARNING_DAYS, describeExpiry, isExpiring } from "./expiry.js";
import type { Action, DesiredState, Finding, ObservedApp, ObservedKeyCredential, ObservedState, Plan, RecordedOnboarding } from "./types.js";

const DAY_MS = 86_400_000;

export interface CertificatePlan {
  action?: Action;
  findings: Finding[];
  warnings: string[];
  unchanged: string[];
  /** The certificate the connection signs in with, as the plan reports it. */
  certificate: Plan["certificate"];
}

interface Current {
  key: ObservedKeyCredential;
  thumbprint: string;
  source: "generated" | "brought";
  /** The certificate's notAfter, when known here (the credential's end is on the app). */
  notAfter: Date | undefined;
  where: string;
}

/** The record, when it is this app's (an --out of another app is refused in plan-identity.ts). */
function recordOf(observed: ObservedState, app: ObservedApp | undefined): RecordedOnboarding | undefined {
  const record = observed.record;
  return record && app && (record.appId === undefined || record.appId === app.appId.toLowerCase()) ? record : undefined;
}

export function planCertificate(desired: DesiredState, observed: ObservedState, app: ObservedApp | undefined, now: Date): CertificatePlan {
  const keys = (app?.keyCredentials ?? []).filter((k) => k.type === "AsymmetricX509Cert" && k.usage === "Verify");
  const onApp = (thumbprint: string) => keys.find((k) => k.thumbprint?.toUpperCase() === thumbprint.toUpperCase());
  const record = recordOf(observed, app);
  const recorded = (thumbprint: string) => record?.certificates.includes(thumbprint) === true || record?.currentCertificate === thumbprint;
  const plan: CertificatePlan = { findings: [], warnings: [], unchanged: [], certificate: { state: "none", thumbprint: undefined } };
  const choice = desired.certificate;
  const held = choice.mode === "file" ? undefined : observed.heldCertificate;
  let current: Current | undefined;

  if (choice.mode === "file") {
    const cert = choice.certificate;
    const key = onApp(cert.thumbprint);
    if (key) current = { key, thumbprint: cert.thumbprint, source: "brought", notAfter: cert.notAfter, where: choice.path };
    else {
      plan.action = { kind: "add-certificate", source: "file", thumbprint: cert.thumbprint, path: choice.path };
      plan.certificate = { state: "pending", thumbprint: cert.thumbprint, source: "brought", expires: cert.notAfter.toISOString() };
    }
  } else {
    const heldKey = held ? onApp(held.thumbprint) : undefined;
    const heldValid = held !== undefined && held.notAfter.getTime() > now.getTime() + DAY_MS;
    const named = record?.currentCertificate;
    if (held && !heldKey && heldValid && choice.mode === "generate") {
      // A key entra-onboard made and recorded, never uploaded: a run stopped in between. Finish it.
      plan.action = { kind: "add-certificate", source: "held", thumbprint: held.thumbprint, path: held.cerPath };
      plan.certificate = { state: "pending", thumbprint: held.thumbprint, source: "generated", expires: held.notAfter.toISOString() };
    } else if (held && heldKey && (named === undefined || named === held.thumbprint || !onApp(named))) {
      current = { key: heldKey, thumbprint: held.thumbprint, source: "generated", notAfter: held.notAfter, where: `private key in ${held.keyPath}` };
    } else {
      if (held && !heldKey && !heldValid) plan.warnings.push(`the certificate kept in ${held.cerPath} has expired; a new one is needed`);
      // The one connection.json names (the last one attached), else the latest-ending one it records.
      current = recordedCurrent(keys, record, recorded);
    }
    if (!current && !plan.action && choice.mode === "generate") {
      if (keys.length === 0 || desired.addCertificate) {
        plan.action = { kind: "add-certificate", source: "generate", keySizeBits: choice.keySizeBits, validityDays: choice.validityDays };
        plan.certificate = { state: "pending", thumbprint: undefined, source: "generated" };
      } else {
        plan.findings.push({
          kind: "certificate-not-held",
          message: `the app has ${keys.length} certificate(s) (${keys.map((k) => k.thumbprint ?? k.keyId).join(", ")}) but entra-onboard neither made nor was given any of them; pass --add-certificate to add a new one (existing certificates are kept) or --certificate <file> to attach your own (e.g. the platform's)`,
        });
        plan.certificate = { state: "not-held", thumbprint: undefined };
      }
    }
  }
  if (current) planCurrent(plan, current, desired, held?.thumbprint === current.thumbprint, now);
  if (current || plan.action) planOthers(plan, keys, current?.thumbprint ?? plan.certificate.thumbprint, recorded, now);
  return plan;
}

/** The certificate connection.json names, if it is on the app; else the latest-ending one it records. */
function recordedCurrent(keys: readonly ObservedKeyCredential[], record: RecordedOnboarding | undefined, recorded: (t: string) => boolean): Current | undefined {
  const ours = keys.filter((k) => k.thumbprint !== undefined && recorded(k.thumbprint.toUpperCase()));
  const ends = (k: ObservedKeyCredential) => (k.endDateTime ? Date.parse(k.endDateTime) : 0);
  const key = ours.find((k) => k.thumbprint?.toUpperCase() === record?.currentCertificate) ?? [...ours].sort((a, b) => ends(b) - ends(a))[0];
  const thumbprint = key?.thumbprint?.toUpperCase();
  if (!key || !thumbprint) return undefined;
  const details = record?.certificateDetails.find((c) => c.thumbprint === thumbprint);
  const source = details?.source ?? "brought";
  return { key, thumbprint, source, notAfter: details ? new Date(details.notAfter) : undefined, where: source === "generated" ? "generated by entra-onboard; its key is not in --out" : "brought: its private key is with the platform" };
}

/** The connection's certificate: in sync, or renewed (or reported) when it expires within the warning window. */
function planCurrent(plan: CertificatePlan, current: Current, desired: DesiredState, keyHeld: boolean, now: Date): void {
  const ends = [current.key.endDateTime ? new Date(current.key.endDateTime) : undefined, current.notAfter].filter((d): d is Date => d !== undefined && !Number.isNaN(d.getTime()));
  const expires = ends.length > 0 ? new Date(Math.min(...ends.map((d) => d.getTime()))) : undefined;
  plan.certificate = { state: "present", thumbprint: current.thumbprint, source: current.source, expires: expires?.toISOString() };
  plan.unchanged.push(`certificate ${current.thumbprint} is on the app (${current.where})`);
  if (!expires || !isExpiring(expires, now, desired.expiryWarningDays ?? DEFAULT_EXPIRY_WARNING_DAYS)) return;
  const expiry = describeExpiry(expires, now);
  const choice = desired.certificate;
  if (keyHeld && choice.mode === "generate") {
    plan.action = { kind: "add-certificate", source: "generate", keySizeBits: choice.keySizeBits, validityDays: choice.validityDays, renews: { thumbprint: current.thumbprint, expiry } };
    plan.warnings.push(`certificate ${current.thumbprint} ${expiry}: apply adds a new one next to it; the old one stays until retired (entra-onboard rotate --retire ${current.thumbprint})`);
    return;
  }
  const how =
    current.source === "brought"
      ? "get a new certificate from the platform (its 'Generate Public Key & Download'), then run entra-onboard rotate --certificate <file>"
      : "run entra-onboard rotate to add a new one next to it";
  plan.findings.push({ kind: "certificate-expiring", message: `the connection's certificate ${current.thumbprint} ${expiry}: ${how}` });
}

/** The app's other certificates: earlier ones of ours (kept until retired), and foreign ones (drift). */
function planOthers(plan: CertificatePlan, keys: readonly ObservedKeyCredential[], currentThumbprint: string | undefined, recorded: (t: string) => boolean, now: Date): void {
  const foreign: string[] = [];
  for (const key of keys) {
    const thumbprint = key.thumbprint?.toUpperCase();
    if (thumbprint !== undefined && thumbprint === currentThumbprint) continue;
    if (thumbprint === undefined || !recorded(thumbprint)) {
      foreign.push(thumbprint ?? `keyId ${key.keyId}`);
      continue;
    }
    const end = key.endDateTime ? new Date(key.endDateTime) : undefined;
    if (end && end.getTime() <= now.getTime()) plan.warnings.push(`certificate ${thumbprint} (an earlier one of entra-onboard's) ${describeExpiry(end, now)}: retire it with entra-onboard rotate --retire ${thumbprint}`);
    else plan.unchanged.push(`certificate ${thumbprint} (an earlier one of entra-onboard's, kept until retired)`);
  }
  if (foreign.length === 0) return;
  plan.findings.push({
    kind: "foreign-certificates",
    message: `the app also has ${foreign.length === 1 ? "a certificate" : `${foreign.length} certificates`} entra-onboard neither made nor was given (${foreign.join(", ")}): whoever holds ${foreign.length === 1 ? "its key" : "their keys"} can sign in as the app. Remove ${foreign.length === 1 ? "it" : "them"} in the Entra admin center if unknown (or: entra-onboard rotate --retire <thumbprint>), or attach ${foreign.length === 1 ? "it" : "one"} as the connection's with --certificate <file>`,
  });
}
