/**
 * rotate: the pipeline with a certificate ending. Add a new certificate next to the connection's
 * current one (generated here, or the admin's --certificate), keep the old one until the new one is
 * proven (`prove`: sign in with the new key; only possible for a generated one) or the admin
 * retires it (`retire`), and keep connection.json and --out up to date: the new certificate takes
 * the usual file names, the old one's files wait in previous/<thumbprint>/ until it is retired.
 * Each step runs through the same executor and convergence check as apply.
 */
import { AbortedError, InputError } from "../shared/errors.js";
import type { ConvergeOptions } from "./converge.js";
import { writePfx } from "./apply.js";
import { connectionDetails } from "./connection-details.js";
import type { OnboardOptions } from "./desired.js";
import { observeAndPlan, type Planner } from "./observe-and-plan.js";
import { planRotation, type RotationRequest } from "./plan-rotate.js";
import { emptyManaged, type ConnectionFile } from "./record.js";
import { executeConfirmed, refuseOnPreflight, withRun, type Run } from "./run.js";
import type { Session } from "./session.js";
import type { ActionResult, Plan } from "./types.js";

export interface RotateOptions extends OnboardOptions, ConvergeOptions {
  /** Take this certificate (thumbprint) off the app. Without `certificate`, rotate only retires. */
  retire?: string | undefined;
  /** Plan and show, change nothing (`rotate --dry-run`). */
  dryRun?: boolean | undefined;
  /** Asked after the plan is shown and before the first write; false aborts with nothing written. */
  confirm?: ((plan: Plan) => Promise<boolean>) | undefined;
  /**
   * Asked before retiring a certificate entra-onboard did not add (it was named explicitly). Without
   * it such a certificate is refused; a false answer cancels with nothing written.
   */
  confirmForeign?: ((thumbprints: string[]) => Promise<boolean>) | undefined;
  /** Signs in with the new, generated certificate (verify); when it passes, the ones it replaces are retired. */
  prove?: ((connection: ConnectionFile) => Promise<{ ok: boolean }>) | undefined;
  /** --pfx: write certificate.pfx for the new, generated certificate. */
  pfxPassphrase?: string | undefined;
}

export interface RotateResult {
  simulated: boolean;
  dryRun: boolean;
  /** The rotation plan that was shown. */
  plan: Plan;
  results: ActionResult[];
  /** The certificate added, if any. */
  added: string | undefined;
  /** Certificates taken off the app. */
  retired: string[];
  /** Certificates the new one takes over from that stay on the app (not proven yet, or brought). */
  kept: string[];
  /** Whether `prove` passed (undefined when it did not run). */
  proven: boolean | undefined;
  /** connection.json as written (undefined for a dry run). */
  connection: (ConnectionFile & { connectionFile: string }) | undefined;
  warnings: string[];
  outDir: string;
}

const THUMBPRINT = /^[0-9A-F]{40}$/;

export async function rotate(session: Session, options: RotateOptions = {}): Promise<RotateResult> {
  const retire = options.retire === undefined ? [] : [options.retire.replace(/[\s:]/g, "").toUpperCase()];
  if (retire.some((t) => !THUMBPRINT.test(t))) throw new InputError(`--retire must be a certificate's SHA-1 thumbprint (40 hex digits), got '${options.retire}'.`);
  const dryRun = options.dryRun === true;
  return withRun(session, options, "rotate", !dryRun, async (run) => {
    const choice = run.prepared.desired.certificate;
    const add: RotationRequest["add"] = choice.mode === "file" ? "file" : retire.length > 0 || choice.mode === "none" ? undefined : "generate";
    if (add === undefined) run.prepared.desired = { ...run.prepared.desired, certificate: { mode: "none" } };
    if (options.pfxPassphrase !== undefined && add !== "generate") throw new InputError("--pfx writes the private key of a certificate generated here; rotate --certificate and --retire have none to write. Run without --pfx.");
    const request: RotationRequest = { add, before: run.prepared.held?.thumbprint, retire, check: true };
    const plan = planRotation(run.prepared.desired, run.observed, new Date(session.clock.now()), request);
    const result: RotateResult = { simulated: session.simulated, dryRun, plan, results: [], added: undefined, retired: [], kept: [], proven: undefined, connection: undefined, warnings: plan.warnings, outDir: run.prepared.outDir };
    if (dryRun || plan.actions.length === 0) return result;
    refuseOnPreflight(plan, session);
    await confirmForeign(plan, options);
    if (options.confirm && !(await options.confirm(plan))) throw new AbortedError("Rotation cancelled; nothing was changed.");
    return finishRotation(session, { ...run, plan }, request, options, result);
  });
}

async function confirmForeign(plan: Plan, options: RotateOptions): Promise<void> {
  const foreign = plan.actions.flatMap((a) => (a.kind === "remove-certificates" ? (a.notAddedByEntraOnboard ?? []) : []));
  if (foreign.length === 0) return;
  if (!options.confirmForeign) {
    throw new InputError(`Not retiring ${foreign.join(", ")}: entra-onboard did not add ${foreign.length === 1 ? "it" : "them"}, and whoever uploaded ${foreign.length === 1 ? "it" : "them"} may depend on ${foreign.length === 1 ? "it" : "them"}. Confirm at the prompt, or pass --yes to remove ${foreign.length === 1 ? "it" : "them"} anyway.`);
  }
  if (!(await options.confirmForeign(foreign))) throw new AbortedError("Rotation cancelled; nothing was changed.");
}

/** Add, prove, retire, in that order, each converged before the next; then connection.json. */
async function finishRotation(session: Session, run: Run, request: RotationRequest, options: RotateOptions, result: RotateResult): Promise<RotateResult> {
  const { prepared } = run;
  const planner = (r: Partial<RotationRequest>): Planner => (desired, observed, now) => planRotation(desired, observed, now, { ...request, ...r, check: false });
  const adding = run.plan.actions.find((a) => a.kind === "add-certificate");
  const replaced = adding?.kind === "add-certificate" ? (adding.replaces ?? []) : [];
  let results: ActionResult[] = [];
  let finalPlan = run.plan;
  if (adding) {
    const added = await executeConfirmed(session, { ...run, plan: { ...run.plan, actions: [adding] } }, { ...options, confirm: undefined, planner: planner({ retire: [] }) });
    results = added.results;
    finalPlan = added.finalPlan;
    // A brought certificate moved the generated one's files to previous/: --out holds no current key now.
    prepared.held = await (await import("../cert/files.js")).readHeldCertificate(prepared.outDir);
  }
  if (options.pfxPassphrase !== undefined) await writePfx(prepared, finalPlan, options.pfxPassphrase);
  let connection = await connectionDetails(finalPlan, prepared, session, request.add === "generate");
  await prepared.record.finish(connection);
  const ours = prepared.record.facts()?.certificates ?? [];
  let proven: boolean | undefined;
  if (request.add === "generate" && options.prove) proven = (await options.prove({ ...connection, managed: prepared.record.current?.managed ?? emptyManaged() })).ok;
  const retire = [...request.retire, ...(proven ? replaced.filter((t) => ours.includes(t) && !request.retire.includes(t)) : [])];
  if (retire.length > 0) {
    const hints = finalPlan.app.state === "absent" ? {} : { appId: finalPlan.app.appId, appObjectId: finalPlan.app.objectId, servicePrincipalId: finalPlan.app.servicePrincipalId };
    const next = await observeAndPlan(session, prepared, hints, "rotate", planner({ add: undefined, retire }));
    const removed = await executeConfirmed(session, { prepared, ...next }, { ...options, confirm: undefined, planner: planner({ add: undefined, retire }) });
    results = [...results, ...removed.results];
    await prepared.record.forgetCertificates(retire);
    const files = await import("../cert/files.js");
    await files.removeCertificateFiles(prepared.outDir, retire);
    await (await import("../cert/archive.js")).removeArchivedFiles(prepared.outDir, retire);
    connection = await connectionDetails(removed.finalPlan, prepared, session);
    finalPlan = removed.finalPlan;
  }
  const connectionFile = await prepared.record.finish(connection);
  const managed = prepared.record.current?.managed;
  return {
    ...result,
    results,
    added: adding ? (finalPlan.certificate.thumbprint ?? connection.certificate?.thumbprint) : undefined,
    retired: retire,
    kept: replaced.filter((t) => !retire.includes(t)),
    proven,
    connection: { ...connection, managed: managed ?? emptyManaged(), connectionFile },
    warnings: [...finalPlan.warnings, ...finalPlan.findings.map((f) => f.message)],
  };
}
