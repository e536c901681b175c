/**
 * apply: the pipeline's ending that writes. Plan, confirm, execute, re-observe until the plan is
 * empty, then report the connection details. In the platform's flow (an interactive caller passes
 * `chooseCertificate`), a first certificate is not generated straight away: everything else is
 * applied first, the form's values are shown, and the caller answers with the platform's
 * certificate or "generate one here"; that choice is then planned and executed by the same steps.
 */
import { InputError } from "../shared/errors.js";
import type { ConvergeOptions } from "./converge.js";
import { connectionDetails, formValues, refuseUnansweredQuestions, type FormValues } from "./connection-details.js";
import type { OnboardOptions, Prepared } from "./desired.js";
import { observeAndPlan } from "./observe-and-plan.js";
import { computePlan } from "./plan.js";
import { emptyManaged, type ConnectionFile } from "./record.js";
import { executeConfirmed, withRun, type Run } from "./run.js";
import { DEFAULT_CLOUD, type CloudName } from "./clouds.js";
import type { Session } from "./session.js";
import { spareKeyFor } from "./spare-key.js";
import type { ActionResult, CertificateChoice, Plan } from "./types.js";

export interface ApplyResult {
  formatVersion: 1;
  simulated: boolean;
  /** The Microsoft cloud of the tenant (the platform connects to Exchange Online there). */
  cloud: CloudName;
  /** False when the tenant already matched (zero writes). */
  changed: boolean;
  /** The plan that was shown and executed. */
  plan: Plan;
  /** The plan re-read after apply: empty actions; its findings and warnings are what apply left alone. */
  finalPlan: Plan;
  results: ActionResult[];
  connection: ConnectionFile & { connectionFile: string };
  /** The final plan's warnings and the messages of its findings. */
  warnings: string[];
}

/** The answer to "which certificate?": the path of the platform's certificate, or generate one here. */
export type CertificateAnswer = { certificate: string } | { generate: true };

export interface ApplyOptions extends OnboardOptions, ConvergeOptions {
  /** Asked after the plan is shown and before the first write; false aborts with nothing written. */
  confirm?: ((plan: Plan) => Promise<boolean>) | undefined;
  /**
   * The platform's flow, for interactive callers: when the run would generate the connection's
   * first certificate, everything else is applied first, then this is asked with the values the
   * platform's "Link a new Microsoft Account" form wants. Not asked when a certificate is chosen
   * (`certificate`, `noCertificate`) or the connection already has one.
   */
  chooseCertificate?: ((form: FormValues) => Promise<CertificateAnswer>) | undefined;
  /** --pfx: write certificate.pfx (certificate and key, encrypted with this passphrase) next to the key. */
  pfxPassphrase?: string | undefined;
}

/** Whether the run uploaded a certificate whose key it keeps in --out (generated now, or held from a crashed run). */
const uploadedFromOut = (results: readonly ActionResult[]) =>
  results.some((r) => r.action.kind === "add-certificate" && r.action.source !== "file" && r.outcome === "created");

/** The plan would make the connection's first certificate here (not a renewal, not a held key). */
const generatesFirst = (plan: Plan) => plan.actions.some((a) => a.kind === "add-certificate" && a.source === "generate" && a.renews === undefined);

export async function apply(session: Session, options: ApplyOptions = {}): Promise<ApplyResult> {
  // A first onboarding's certificate key is made while the tenant is read (spare-key.ts).
  const beforeObserve = (prepared: Prepared) => (prepared.spareKey = spareKeyFor(prepared));
  return withRun(session, options, "apply", true, async (run) => {
    refuseUnansweredQuestions(run.plan);
    const generate = run.prepared.desired.certificate;
    const ask = options.chooseCertificate && generatesFirst(run.plan) ? options.chooseCertificate : undefined;
    const shown = ask ? withoutCertificate(run, session) : run;
    if (options.pfxPassphrase !== undefined && !ask) refusePfxWithoutKey(shown);
    let { results, finalPlan } = await executeConfirmed(session, shown, options);
    if (ask) {
      run.prepared.desired = { ...run.prepared.desired, certificate: await answered(await ask(formValues(finalPlan, run.prepared.desired, session)), generate, session, options) };
      const hints = finalPlan.app.state === "absent" ? {} : { appId: finalPlan.app.appId, appObjectId: finalPlan.app.objectId, servicePrincipalId: finalPlan.app.servicePrincipalId };
      const next = await observeAndPlan(session, run.prepared, hints);
      const more = await executeConfirmed(session, { prepared: run.prepared, ...next }, { ...options, confirm: undefined });
      results = [...results, ...more.results];
      finalPlan = more.finalPlan;
    }
    if (options.pfxPassphrase !== undefined) await writePfx(run.prepared, finalPlan, options.pfxPassphrase);
    const connection = await connectionDetails(finalPlan, run.prepared, session, uploadedFromOut(results));
    const connectionFile = await run.prepared.record.finish(connection);
    return {
      formatVersion: 1,
      simulated: session.simulated,
      cloud: session.cloud ?? DEFAULT_CLOUD,
      changed: results.length > 0,
      plan: shown.plan,
      finalPlan,
      results,
      connection: { ...connection, managed: run.prepared.record.current?.managed ?? emptyManaged(), connectionFile },
      warnings: [...finalPlan.warnings, ...finalPlan.findings.map((f) => f.message)],
    };
  }, { beforeObserve });
}

/** The run's plan with the certificate left for later (as --no-certificate would plan it). */
function withoutCertificate(run: Run, session: Session): Run {
  run.prepared.desired = { ...run.prepared.desired, certificate: { mode: "none" } };
  return { ...run, plan: computePlan(run.prepared.desired, run.observed, new Date(session.clock.now())) };
}

/** The certificate the caller chose, read and checked like --certificate. */
async function answered(answer: CertificateAnswer, generate: CertificateChoice, session: Session, options: ApplyOptions): Promise<CertificateChoice> {
  if (!("certificate" in answer)) return generate;
  if (options.pfxPassphrase !== undefined) throw new InputError("--pfx needs a private key, and the platform's certificate comes without one: press Enter to generate one here, or run without --pfx.");
  const { loadPublicCertificate } = await import("../cert/load.js");
  const { resolve } = await import("node:path");
  return { mode: "file", path: resolve(answer.certificate), certificate: await loadPublicCertificate(answer.certificate, new Date(session.clock.now())) };
}

/** --pfx exports the private key: refused before any write when the connection's certificate has none here. */
function refusePfxWithoutKey(run: Run): void {
  const plan = run.plan;
  const fromOut = plan.actions.some((a) => a.kind === "add-certificate" && a.source !== "file");
  const held = run.observed.heldCertificate;
  const current = plan.certificate.state === "present" && held !== undefined && held.thumbprint === plan.certificate.thumbprint;
  if (fromOut || current) return;
  const which = plan.certificate.thumbprint ? `certificate ${plan.certificate.thumbprint} (${plan.certificate.source ?? "brought"})` : "certificate";
  throw new InputError(`--pfx writes the private key into a PFX file, and entra-onboard holds no key for the connection's ${which}: it was brought (the platform, or whoever gave it, has the key). Run without --pfx.`);
}

/** Writes certificate.pfx for the connection's certificate, whose key this run keeps in --out. */
export async function writePfx(prepared: Prepared, plan: Plan, passphrase: string): Promise<void> {
  const files = await import("../cert/files.js");
  const held = await files.readHeldCertificate(prepared.outDir);
  const key = held && held.thumbprint === plan.certificate.thumbprint ? await files.readPrivateKeyPem(prepared.outDir) : undefined;
  if (!held || !key) throw new InputError(`--pfx: no certificate and private key of the connection in ${prepared.outDir} to export; run without --pfx.`);
  await (await import("../cert/pfx.js")).writePfxFile(prepared.outDir, { ...held, privateKeyPem: key }, passphrase);
}
