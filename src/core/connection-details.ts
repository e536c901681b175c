/**
 * The end of apply: the questions that stop it before any write, and the connection details it
 * reports and keeps in connection.json, checked against --out as it is now.
 */
import { ConvergenceError, InputError } from "../shared/errors.js";
import type { Prepared } from "./desired.js";
import type { ConnectionFile } from "./record.js";
import type { Session } from "./session.js";
import type { Plan } from "./types.js";

/** Questions only the admin can answer stop apply before any write (exit 2): a name other than --name. */
export function refuseUnansweredQuestions(plan: Plan): void {
  const renamed = plan.findings.find((f) => f.kind === "name-differs");
  if (renamed) throw new InputError(`Not renaming without being asked: ${renamed.message}.`);
}

/**
 * The connection details, checked: the certificate reported is the one whose key is in --out NOW
 * and it is on the app as last observed; anything else (files changed under the run) fails it.
 */
export async function connectionDetails(finalPlan: Plan, prepared: Prepared, session: Session): Promise<Omit<ConnectionFile, "managed">> {
  if (finalPlan.app.state === "absent") throw new Error("internal: no application after apply");
  const choice = prepared.desired.certificate;
  const held = choice.mode === "generate" ? await (await import("../cert/files.js")).readHeldCertificate(prepared.outDir) : undefined;
  const present = finalPlan.certificate.state === "present";
  if (present && held && finalPlan.certificate.thumbprint?.toUpperCase() !== held.thumbprint.toUpperCase()) {
    throw new ConvergenceError(
      `the certificate whose key is in ${held.keyPath} (${held.thumbprint}) is not the one on the app (${finalPlan.certificate.thumbprint}): --out changed during the run. Run apply again.`,
    );
  }
  const certificate = !present
    ? null
    : choice.mode === "file"
      ? { thumbprint: choice.certificate.thumbprint, cerPath: choice.path, notAfter: choice.certificate.notAfter.toISOString() }
      : held
        ? { thumbprint: held.thumbprint, cerPath: held.cerPath, pemPath: held.cerPath.replace(/\.cer$/, ".pem"), keyPath: held.keyPath, notAfter: held.notAfter.toISOString() }
        : null;
  return {
    formatVersion: 2,
    tenantId: finalPlan.tenant.id || session.tenantId,
    appId: finalPlan.app.appId,
    applicationObjectId: finalPlan.app.objectId,
    servicePrincipalId: finalPlan.app.servicePrincipalId,
    uniqueName: prepared.desired.uniqueName,
    displayName: prepared.desired.displayName,
    friendlyName: finalPlan.tenant.displayName ? `${finalPlan.tenant.displayName} - ${prepared.desired.displayName}` : prepared.desired.displayName,
    organization: finalPlan.tenant.initialDomain,
    certificate,
  };
}
