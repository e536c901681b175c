/**
 * The end of apply: the questions that stop it before any write, and the connection details it
 * reports and keeps in connection.json, checked against --out as it is now.
 */
import { ConvergenceError, InputError, InternalError } from "../shared/errors.js";
import { DEFAULT_CLOUD } from "./clouds.js";
import type { Prepared } from "./desired.js";
import type { CertificateDetails, ConnectionFile } from "./record.js";
import type { Session } from "./session.js";
import type { DesiredState, Plan } from "./types.js";

/** Questions only the admin can answer stop apply before any write (exit 2): a name other than --name. */
export function refuseUnansweredQuestions(plan: Plan): void {
  const renamed = plan.findings.find((f) => f.kind === "name-differs");
  if (renamed) throw new InputError(`Not renaming without being asked: ${renamed.message}.`);
}

/**
 * The connection details, checked: the certificate reported is the one on the app as last
 * observed. When it is the one whose key is in --out, that key is read NOW; a run that uploaded a
 * key from --out fails if --out no longer holds it (files changed under the run). A brought
 * certificate (no key here) keeps what connection.json said about it, so a plain re-run does not
 * forget it.
 */
export async function connectionDetails(finalPlan: Plan, prepared: Prepared, session: Session, uploadedFromOut = false): Promise<Omit<ConnectionFile, "managed">> {
  if (finalPlan.app.state === "absent") throw new InternalError("no application after apply");
  const form = formValues(finalPlan, prepared.desired, session);
  return {
    formatVersion: 2,
    tenantId: form.tenantId,
    cloud: session.cloud ?? DEFAULT_CLOUD,
    appId: form.appId,
    applicationObjectId: finalPlan.app.objectId,
    servicePrincipalId: finalPlan.app.servicePrincipalId,
    uniqueName: prepared.desired.uniqueName,
    displayName: prepared.desired.displayName,
    friendlyName: form.friendlyName,
    organization: form.organization,
    certificate: await currentCertificate(finalPlan, prepared, uploadedFromOut),
  };
}

/** What the platform's "Link a new Microsoft Account" form asks for (all but the certificate). */
export interface FormValues {
  friendlyName: string;
  tenantId: string;
  appId: string;
  organization: string;
}

export function formValues(plan: Plan, desired: Pick<DesiredState, "displayName">, session: Pick<Session, "tenantId">): FormValues {
  if (plan.app.state === "absent") throw new InternalError("no application yet");
  return {
    friendlyName: plan.tenant.displayName ? `${plan.tenant.displayName} - ${desired.displayName}` : desired.displayName,
    tenantId: plan.tenant.id || session.tenantId,
    appId: plan.app.appId,
    organization: plan.tenant.initialDomain,
  };
}

async function currentCertificate(finalPlan: Plan, prepared: Prepared, uploadedFromOut: boolean): Promise<CertificateDetails | null> {
  const choice = prepared.desired.certificate;
  const files = await import("../cert/files.js");
  const held = choice.mode === "file" ? undefined : await files.readHeldCertificate(prepared.outDir);
  const present = finalPlan.certificate.state === "present" ? finalPlan.certificate.thumbprint : undefined;
  if (uploadedFromOut && (!held || present?.toUpperCase() !== held.thumbprint.toUpperCase())) {
    throw new ConvergenceError(
      `the certificate whose key ${held ? `is in ${held.keyPath} (${held.thumbprint})` : "this run wrote to --out is gone and"} is not the one on the app (${present ?? "none"}): --out changed during the run. Run apply again.`,
    );
  }
  if (!present) return null;
  if (held && held.thumbprint === present) {
    const pfx = await files.existingPfxPath(prepared.outDir);
    return {
      thumbprint: held.thumbprint,
      source: "generated",
      cerPath: held.cerPath,
      pemPath: held.cerPath.replace(/\.cer$/, ".pem"),
      keyPath: held.keyPath,
      ...(pfx ? { pfxPath: pfx } : {}),
      notBefore: held.notBefore.toISOString(),
      notAfter: held.notAfter.toISOString(),
    };
  }
  if (choice.mode === "file" && choice.certificate.thumbprint === present) {
    const cert = choice.certificate;
    return { thumbprint: present, source: "brought", cerPath: choice.path, notBefore: cert.notBefore.toISOString(), notAfter: cert.notAfter.toISOString() };
  }
  // A certificate of the connection whose key is not here: what connection.json said about it.
  const before = prepared.record.current;
  if (before?.certificate?.thumbprint === present) {
    const { keyPath: _keyPath, pemPath: _pemPath, pfxPath: _pfxPath, ...kept } = before.certificate;
    return { ...kept, source: kept.source ?? "brought" };
  }
  const details = before?.managed.certificateDetails.find((c) => c.thumbprint === present);
  return { thumbprint: present, source: details?.source ?? "brought", notBefore: details?.notBefore, notAfter: details?.notAfter ?? finalPlan.certificate.expires };
}
