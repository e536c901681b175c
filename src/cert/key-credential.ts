import { InputError } from "../shared/errors.js";
import type { CertificateInfo, KeyCredentialInput } from "./types.js";

const MAX_DISPLAY_NAME = 90;

/**
 * The keyCredentials entry for a certificate ("keyCredential resource type", Graph v1.0 reference)
 * with the certificate's OWN dates: startDateTime = notBefore, endDateTime = notAfter. Nothing is
 * shortened, so connection.json, `status` and the platform all see one expiry. The start may lie in
 * the past: the request in "Add a certificate to an app using Microsoft Graph" sends the
 * certificate's creation time as its startDateTime. (Earlier versions cut the credential to 364
 * days after that page's one-year wording, which silently ended a longer certificate's access
 * early.) A tenant that caps certificate lifetimes does so in its app management policy
 * ("keyCredentialConfiguration resource type", restrictionType asymmetricKeyLifetime); Graph then
 * refuses the credential and execute-steps.ts says so, with Graph's own reason.
 */
export function toKeyCredential(cert: CertificateInfo, now: Date, displayName?: string): KeyCredentialInput {
  const start = floorToSecond(cert.notBefore.getTime());
  const end = floorToSecond(cert.notAfter.getTime());
  if (end <= floorToSecond(now.getTime())) {
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

/** Whole days a certificate is valid (notAfter − notBefore), as a policy's maxLifetime counts them. */
export function lifetimeDays(cert: Pick<CertificateInfo, "notBefore" | "notAfter">): number {
  return Math.round(((cert.notAfter.getTime() - cert.notBefore.getTime()) / 86_400_000) * 100) / 100;
}

// X.509 times are whole seconds; flooring keeps the credential inside the certificate's window.
function floorToSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
