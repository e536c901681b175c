/**
 * The one pipeline: desired → observe → plan, then an ending per command. plan stops after
 * planning, status judges drift, apply executes and then re-observes until the plan is empty, and
 * remove plans in destroy mode and executes that plan through the same executor. There is no
 * second code path for dry runs, removal or bulk.
 */
import { AbortedError, InputError, PreflightError } from "../shared/errors.js";
import { isGuid } from "../shared/text.js";
import { converge, type ConvergeOptions } from "./converge.js";
import { prepare, type OnboardOptions, type Prepared } from "./desired.js";
import { executePlan } from "./execute.js";
import { removeConnectionFile, writeConnectionFile, type ConnectionFile } from "./local-state.js";
import { observeAndPlan } from "./observe-and-plan.js";
import { inSync } from "./plan.js";
import { preflightProblems } from "./preflight.js";
import type { Session } from "./session.js";
import type { ActionResult, Finding, ObservedState, Plan, PlanMode } from "./types.js";

export { checkLocalInputs, desiredState, prepare } from "./desired.js";
export { AbortedError } from "../shared/errors.js";
export type { OnboardOptions, PipelineEvent, Prepared } from "./desired.js";

export interface PlanOptions extends OnboardOptions {
  /** "destroy" previews what remove would delete (`plan --destroy`); default "apply". */
  mode?: PlanMode | undefined;
}

export interface PlanResult {
  plan: Plan;
  inSync: boolean;
  /** Problems that would stop apply (or remove) at preflight: missing roles or scopes. */
  preflight: string[];
  outDir: string;
  simulated: boolean;
}

const ADMIN_HINT = "Global Administrator, or Privileged Role Administrator + Cloud Application Administrator, can do every step.";

function checkTenantDomain(options: OnboardOptions, observed: ObservedState): void {
  const wanted = options.tenant?.toLowerCase();
  if (!wanted || isGuid(wanted)) return;
  if (!observed.tenant.domains.some((d) => d.toLowerCase() === wanted)) {
    throw new InputError(`Signed in to tenant ${observed.tenant.id} (${observed.tenant.initialDomain}), which has no domain ${options.tenant}. Sign in to the right tenant or fix --tenant.`);
  }
}

/** Removing needs no certificate: a given one is not read. */
const forMode = (options: OnboardOptions, mode: PlanMode): OnboardOptions => (mode === "destroy" ? { ...options, certificate: undefined } : options);

async function observeAndPlanRun(session: Session, options: OnboardOptions, mode: PlanMode): Promise<{ prepared: Prepared; observed: ObservedState; plan: Plan }> {
  const prepared = await prepare(session, forMode(options, mode));
  options.onEvent?.({ type: "phase", message: `reading tenant ${session.tenantId}` });
  const { observed, plan } = await observeAndPlan(session, prepared, prepared.hints, mode);
  checkTenantDomain(options, observed);
  return { prepared, observed, plan };
}

export async function plan(session: Session, options: PlanOptions = {}): Promise<PlanResult> {
  const { prepared, plan } = await observeAndPlanRun(session, options, options.mode ?? "apply");
  return { plan, inSync: inSync(plan), preflight: preflightProblems(plan.actions, session.claims), outDir: prepared.outDir, simulated: session.simulated };
}

/** status is plan judged as drift: the same observation, reported instead of executed. */
export const status = plan;

export interface ApplyResult {
  formatVersion: 1;
  simulated: boolean;
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

export interface ApplyOptions extends OnboardOptions, ConvergeOptions {
  /** Asked after the plan is shown and before the first write; false aborts with nothing written. */
  confirm?: ((plan: Plan) => Promise<boolean>) | undefined;
}

export async function apply(session: Session, options: ApplyOptions = {}): Promise<ApplyResult> {
  const { prepared, observed, plan } = await observeAndPlanRun(session, options, "apply");
  let finalPlan = plan;
  let results: ActionResult[] = [];
  if (plan.actions.length > 0) {
    const problems = preflightProblems(plan.actions, session.claims);
    if (problems.length > 0) throw new PreflightError(`Preflight failed, nothing was changed: ${problems.join("; ")}. ${ADMIN_HINT}`);
    if (options.confirm && !(await options.confirm(plan))) throw new AbortedError("Apply cancelled; nothing was changed.");
    const converged = await converge(session, prepared, plan, observed, options);
    results = converged.results;
    finalPlan = converged.plan;
  }
  const connection = connectionDetails(finalPlan, prepared, session);
  const connectionFile = await writeConnectionFile(prepared.outDir, connection);
  return {
    formatVersion: 1,
    simulated: session.simulated,
    changed: results.length > 0,
    plan,
    finalPlan,
    results,
    connection: { ...connection, connectionFile },
    warnings: [...finalPlan.warnings, ...finalPlan.findings.map((f: Finding) => f.message)],
  };
}

function connectionDetails(finalPlan: Plan, prepared: Prepared, session: Session): ConnectionFile {
  if (finalPlan.app.state === "absent") throw new Error("internal: no application after apply");
  const choice = prepared.desired.certificate;
  const held = prepared.held;
  const certificate = finalPlan.certificate.state !== "present"
    ? null
    : choice.mode === "file"
      ? { thumbprint: choice.certificate.thumbprint, cerPath: choice.path, notAfter: choice.certificate.notAfter.toISOString() }
      : held
        ? { thumbprint: held.thumbprint, cerPath: held.cerPath, pemPath: held.cerPath.replace(/\.cer$/, ".pem"), keyPath: held.keyPath, notAfter: held.notAfter.toISOString() }
        : null;
  return {
    formatVersion: 1,
    uniqueName: prepared.desired.uniqueName,
    friendlyName: finalPlan.tenant.displayName ? `${finalPlan.tenant.displayName} - ${prepared.desired.displayName}` : prepared.desired.displayName,
    tenantId: finalPlan.tenant.id || session.tenantId,
    appId: finalPlan.app.appId,
    organization: finalPlan.tenant.initialDomain,
    applicationObjectId: finalPlan.app.objectId,
    servicePrincipalId: finalPlan.app.servicePrincipalId,
    certificate,
  };
}

export interface RemoveResult {
  simulated: boolean;
  /** The destroy plan: a delete-application action, or no actions when there is nothing to remove. */
  plan: Plan;
  /** Problems preflight found (a dry run reports them; a real run stops on them). */
  preflight: string[];
  /** True when nothing was executed (`dryRun`). */
  dryRun: boolean;
  results: ActionResult[];
  removed: { appId: string; objectId: string } | undefined;
  outDir: string;
}

export interface RemoveOptions extends OnboardOptions {
  /** Asked after the destroy plan is known and before the delete; false aborts with nothing written. */
  confirm?: ((target: { appId: string; displayName: string; plan: Plan }) => Promise<boolean>) | undefined;
  /** Plan and judge the removal, but delete nothing (`remove --dry-run`). */
  dryRun?: boolean | undefined;
}

/** Deletes the app registration this tool owns (its service principal goes with it). Never a foreign app. */
export async function remove(session: Session, options: RemoveOptions = {}): Promise<RemoveResult> {
  const { prepared, observed, plan } = await observeAndPlanRun(session, options, "destroy");
  const preflight = preflightProblems(plan.actions, session.claims);
  const result = { simulated: session.simulated, plan, preflight, dryRun: options.dryRun ?? false, results: [] as ActionResult[], removed: undefined, outDir: prepared.outDir };
  const target = plan.actions.find((a) => a.kind === "delete-application");
  if (!target || options.dryRun) return result;
  if (preflight.length > 0) throw new PreflightError(`Preflight failed, nothing was changed: ${preflight.join("; ")}. ${ADMIN_HINT}`);
  if (options.confirm && !(await options.confirm({ appId: target.appId, displayName: target.displayName, plan }))) {
    throw new AbortedError("Remove cancelled; nothing was changed.");
  }
  const outcome = await executePlan(plan, { graph: session.graph, clock: session.clock, desired: prepared.desired, observed, outDir: prepared.outDir, onEvent: options.onEvent });
  await removeConnectionFile(prepared.outDir);
  return { ...result, results: outcome.results, removed: { appId: target.appId, objectId: target.appObjectId } };
}
