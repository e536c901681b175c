/**
 * The certificate part of planning. Certificates are only ever added, never replaced: a
 * certificate someone else put on the app stays, and a new one is added silently only when the
 * app has none, or when we hold the private key of one that is missing from the app (a run that
 * crashed between writing the key and uploading it).
 */
import type { Action, DesiredState, Finding, ObservedApp, ObservedState } from "./types.js";

const DAY_MS = 86_400_000;
export const EXPIRY_WARNING_DAYS = 30;

export interface CertificatePlan {
  action?: Action;
  finding?: Finding;
  warnings: string[];
  unchanged?: string;
  /** The thumbprint apply will report (undefined when generated at apply time or none). */
  thumbprint?: string | undefined;
}

export function planCertificate(desired: DesiredState, observed: ObservedState, app: ObservedApp | undefined, now: Date): CertificatePlan {
  const keys = (app?.keyCredentials ?? []).filter((k) => k.type === "AsymmetricX509Cert" && k.usage === "Verify");
  const onApp = (thumbprint: string) => keys.find((k) => k.thumbprint?.toUpperCase() === thumbprint.toUpperCase());
  const warnings: string[] = [];
  const expiryWarning = (thumbprint: string, notAfter: Date, end: string | undefined) => {
    const expires = end ? Math.min(Date.parse(end), notAfter.getTime()) : notAfter.getTime();
    const days = Math.floor((expires - now.getTime()) / DAY_MS);
    if (days < EXPIRY_WARNING_DAYS) {
      warnings.push(`certificate ${thumbprint} expires on ${new Date(expires).toISOString().slice(0, 10)} (in ${Math.max(days, 0)} days): renew it before the platform loses access`);
    }
  };

  if (desired.certificate.mode === "file") {
    const cert = desired.certificate.certificate;
    const present = onApp(cert.thumbprint);
    if (present) {
      expiryWarning(cert.thumbprint, cert.notAfter, present.endDateTime);
      return { warnings, unchanged: `certificate ${cert.thumbprint} (${desired.certificate.path}) is on the app`, thumbprint: cert.thumbprint };
    }
    return {
      warnings,
      thumbprint: cert.thumbprint,
      action: { kind: "add-certificate", source: "file", thumbprint: cert.thumbprint, path: desired.certificate.path },
    };
  }

  const held = observed.heldCertificate;
  const heldValid = held !== undefined && held.notAfter.getTime() > now.getTime() + DAY_MS;
  if (held) {
    const present = onApp(held.thumbprint);
    if (present) {
      expiryWarning(held.thumbprint, held.notAfter, present.endDateTime);
      return { warnings, unchanged: `certificate ${held.thumbprint} is on the app (private key in ${held.keyPath})`, thumbprint: held.thumbprint };
    }
    if (heldValid) {
      return {
        warnings,
        thumbprint: held.thumbprint,
        action: { kind: "add-certificate", source: "held", thumbprint: held.thumbprint, path: held.cerPath },
      };
    }
    warnings.push(`the certificate kept in ${held.cerPath} has expired; a new one is needed`);
  }
  const generate: Action = {
    kind: "add-certificate",
    source: "generate",
    keySizeBits: desired.certificate.keySizeBits,
    validityDays: desired.certificate.validityDays,
  };
  if (keys.length === 0 || desired.addCertificate) return { warnings, action: generate };
  return {
    warnings,
    finding: {
      kind: "certificate-not-held",
      message: `the app has ${keys.length} certificate(s) (${keys.map((k) => k.thumbprint ?? k.keyId).join(", ")}) but entra-onboard holds none of their private keys; pass --add-certificate to add a new one (existing certificates are kept) or --certificate <file> to attach your own`,
    },
  };
}
