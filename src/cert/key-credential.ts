import { InputError } from "../shared/errors.js";
import type { CertificateInfo, KeyCredentialInput } from "./types.js";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Graph caps a credential at one year from its start; one day less, as azure-cli does, leaves room for skew. */
const MAX_WINDOW_MS = 365 * DAY_MS - DAY_MS;
const MAX_DISPLAY_NAME = 90;

/**
 * The keyCredentials entry for a certificate ("keyCredential resource type", Graph v1.0 reference),
 * with the date window clamped as "Add a certificate to an app using Microsoft Graph" requires
 * (endDateTime at most one year after startDateTime) and as azure-cli does: inside the
 * certificate's validity, and no longer than 364 days.
 */
export function toKeyCredential(cert: CertificateInfo, now: Date, displayName?: string): KeyCredentialInput {
  const start = floorToSecond(Math.max(cert.notBefore.getTime(), now.getTime()));
  const end = floorToSecond(Math.min(cert.notAfter.getTime(), start + MAX_WINDOW_MS));
  if (end <= start) {
    throw new InputError(
      `Certificate ${cert.subject} (thumbprint ${cert.thumbprint}) expired on ${iso(cert.notAfter.getTime())}; use a current certificate or let the tool generate one.`,
    );
  }
  const name = (displayName ?? `entra-onboard ${cert.thumbprint.slice(0, 8)}`).slice(0, MAX_DISPLAY_NAME);
  return {
    type: "AsymmetricX509Cert",
    usage: "Verify",
    key: Buffer.from(cert.der).toString("base64"),
    displayName: name,
    startDateTime: iso(start),
    endDateTime: iso(end),
  };
}

// Flooring keeps both ends inside the certificate window (X.509 times are whole seconds anyway).
function floorToSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
