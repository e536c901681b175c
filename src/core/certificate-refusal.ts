/**
 * When Graph refuses a certificate because the tenant's app management policy caps certificate
 * lifetimes ("keyCredentialConfiguration resource type", asymmetricKeyLifetime): say so with Graph's
 * own code and message and how to proceed, and leave nothing of that certificate behind. A key
 * generated for it is deleted and connection.json forgets its thumbprint, so the next run makes a
 * new one (with the shorter --validity-days) instead of uploading the refused one again.
 */
import { lifetimeDays } from "../cert/key-credential.js";
import type { CertificateInfo } from "../cert/types.js";
import { CertificateRefusedError, GraphRequestError } from "../shared/errors.js";
import type { ObtainedCertificate } from "./obtain-certificate.js";
import type { RunRecord } from "./run-record.js";

/** Graph's code for a credential longer than the policy allows ("Credential lifetime exceeds the max value allowed as per assigned policy '…'."). */
export const LIFETIME_REFUSED = "CredentialInvalidLifetimeAsPerAppPolicy";

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The refusal as the admin should read it, or undefined when `error` is something else. */
export function lifetimeRefusal(error: unknown, certificate: CertificateInfo, generated: boolean): CertificateRefusedError | undefined {
  if (!(error instanceof GraphRequestError) || error.code !== LIFETIME_REFUSED) return undefined;
  const days = lifetimeDays(certificate);
  const instead = generated
    ? `generate one valid for fewer days than the policy's maximum with --validity-days <days> (this one was ${days})`
    : "bring a certificate valid for fewer days than the policy's maximum (from the platform: ask it for a shorter-lived one), or let entra-onboard generate one with --validity-days <days>";
  return new CertificateRefusedError(
    `Graph refused certificate ${certificate.thumbprint} (valid ${days} days, ${day(certificate.notBefore)} to ${day(certificate.notAfter)}): ` +
      `${error.status} ${error.code}: ${error.graphMessage} The tenant's app management policy allows certificates a shorter life. ` +
      `Ask a Global Administrator for the policy's maximum or an exemption for this app, or ${instead}. The certificate was not added and nothing of it is kept; the rest of this run's changes were made.`,
    { cause: error },
  );
}

/**
 * Takes back what this run did locally for a refused certificate: its key files (if generated
 * here; the certificate they replaced gets its files back) and its record entry.
 */
export async function forgetRefusedCertificate(obtained: ObtainedCertificate, where: { outDir: string; record: RunRecord | undefined }): Promise<void> {
  const thumbprint = obtained.certificate.thumbprint;
  if (obtained.files.keyPath !== undefined) await (await import("../cert/files.js")).removeCertificateFiles(where.outDir, [thumbprint]);
  if (obtained.archived) await (await import("../cert/archive.js")).restoreArchivedFiles(where.outDir, obtained.archived);
  await where.record?.forgetCertificates([thumbprint]);
}
