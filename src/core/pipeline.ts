/**
 * The one pipeline: desired → observe → plan, then an ending per command. plan stops after
 * planning, status judges drift, apply executes and then re-observes until the plan is empty, and
 * remove plans in destroy mode and executes that plan through the same executor. There is no
 * second code path for dry runs, removal or bulk.
 */
import { AbortedError, InputError, PreflightError } from "../shared/errors.js";
import { isGuid } from "../shared/text.js";
import { converge, type ConvergeOptions } from "./converge.js";
import { locate, readLocalState, type OnboardOptions, type Prepared } from "./desired.js";
import { executePlan } from "./execute.js";
import { removeConnectionFile } from "./local-state.js";
import { observeAndPlan } from "./observe-and-plan.js";
import { lockOutDir } from "./out-lock.js";
import { connectionDetails, refuseUnansweredQuestions } from "./connection-details.js";
import { emptyManaged, type ConnectionFile } from "./record.js";
import { inSync } from "./plan.js";
import { preflightProblems } from "./preflight.js";
import type { Session } from "./session.js";
import type { ActionResult, Finding, ObservedState, Plan, PlanMode } from "./types.js";

export { checkLocalInputs, desiredState, prepare } from "./desired.js";
export type { ConnectionFile } from "./record.js";
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

interface Run {
  prepared: Prepared;
  observed: ObservedState;
  plan: Plan;
}

/**
 * Prepare, observe and plan; then `work`. apply and remove (`lock`) hold --out's lock from before
 * they read it until they are done, so two runs never interleave their files (out-lock.ts).
 */
async function withRun<T>(session: Session, options: OnboardOptions, mode: PlanMode, lock: boolean, work: (run: Run) => Promise<T>): Promise<T> {
  const located = await locate(session, forMode(options, mode));
  const held = lock ? await lockOutDir(located.outDir, (message) => options.onEvent?.({ type: "warning", message })) : undefined;
  try {
    const prepared = await readLocalState(session, located, mode);
    options.onEvent?.({ type: "phase", message: `reading tenant ${session.tenantId}` });
    const { observed, plan } = await observeAndPlan(session, prepared, prepared.hints, mode);
    checkTenantDomain(options, observed);
    return await work({ prepared, observed, plan });
  } finally {
    await held?.release();
  }
}

export async function plan(session: Session, options: PlanOptions = {}): Promise<PlanResult> {
  return withRun(session, options, options.mode ?? "apply", false, async ({ prepared, plan }) => ({
    plan,
    inSync: inSync(plan),
    preflight: preflightProblems(plan.actions, session.claims),
    outDir: prepared.outDir,
    simulated: session.simulated,
  }));
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

/** Whether the run uploaded a certificate whose key it keeps in --out (generated now, or held from a crashed run). */
const uploadedFromOut = (results: readonly ActionResult[]) =>
  results.some((r) => r.action.kind === "add-certificate" && r.action.source !== "file" && r.outcome === "created");

export async function apply(session: Session, options: ApplyOptions = {}): Promise<ApplyResult> {
  return withRun(session, options, "apply", true, async ({ prepared, observed, plan }) => {
    refuseUnansweredQuestions(plan);
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
    const connection = await connectionDetails(finalPlan, prepared, session, uploadedFromOut(results));
    const connectionFile = await prepared.record.finish(connection);
    const record = prepared.record.current;
    return {
      formatVersion: 1,
      simulated: session.simulated,
      changed: results.length > 0,
      plan,
      finalPlan,
      results,
      connection: { ...connection, managed: record?.managed ?? emptyManaged(), connectionFile },
      warnings: [...finalPlan.warnings, ...finalPlan.findings.map((f: Finding) => f.message)],
    };
  });
}

export interface RemoveResult {
  simulated: boolean;
  /** The destroy plan: a delete-application, the undo of an adoption, or no actions when there is nothing to remove. */
  plan: Plan;
  /** Problems preflight found (a dry run reports them; a real run stops on them). */
  preflight: string[];
  /** True when nothing was executed (`dryRun`). */
  dryRun: boolean;
  results: ActionResult[];
  /** The app deleted (one entra-onboard created). */
  removed: { appId: string; objectId: string } | undefined;
  /** The adopted app entra-onboard's additions were taken from; the app itself stays. */
  released: { appId: string; objectId: string } | undefined;
  outDir: string;
}

export interface RemoveOptions extends OnboardOptions {
  /** Asked after the destroy plan is known and before the first write; false aborts with nothing written. */
  confirm?: ((target: { appId: string; displayName: string; plan: Plan }) => Promise<boolean>) | undefined;
  /** Plan and judge the removal, but delete nothing (`remove --dry-run`). */
  dryRun?: boolean | undefined;
}

/**
 * Undoes what this tool did: deletes the app registration it created (its service principal goes
 * with it), or takes back from an adopted app exactly what connection.json records it added. Never
 * touches an app without entra-onboard's marks. Afterwards connection.json and the key files it
 * lists go too: their certificate is no longer on the app.
 */
export async function remove(session: Session, options: RemoveOptions = {}): Promise<RemoveResult> {
  return withRun(session, options, "destroy", options.dryRun !== true, async ({ prepared, observed, plan }) => {
    const preflight = preflightProblems(plan.actions, session.claims);
    const result: RemoveResult = { simulated: session.simulated, plan, preflight, dryRun: options.dryRun ?? false, results: [], removed: undefined, released: undefined, outDir: prepared.outDir };
    if (plan.actions.length === 0 || plan.app.state === "absent" || options.dryRun) return result;
    if (preflight.length > 0) throw new PreflightError(`Preflight failed, nothing was changed: ${preflight.join("; ")}. ${ADMIN_HINT}`);
    const deletion = plan.actions.find((a) => a.kind === "delete-application");
    const target = { appId: plan.app.appId, objectId: plan.app.objectId };
    if (options.confirm && !(await options.confirm({ appId: target.appId, displayName: deletion?.displayName ?? plan.app.displayName, plan }))) {
      throw new AbortedError("Remove cancelled; nothing was changed.");
    }
    const outcome = await executePlan(plan, { graph: session.graph, clock: session.clock, desired: prepared.desired, observed, outDir: prepared.outDir, onEvent: options.onEvent });
    const recorded = prepared.record.current;
    if (recorded?.appId === undefined || recorded.appId === target.appId.toLowerCase()) {
      await removeConnectionFile(prepared.outDir);
      if (recorded) {
        await (await import("../cert/files.js")).removeCertificateFiles(prepared.outDir, recorded.managed.certificates);
        await (await import("../cert/archive.js")).removeArchivedFiles(prepared.outDir, recorded.managed.certificates);
      }
    }
    return { ...result, results: outcome.results, ...(deletion ? { removed: target } : { released: target }) };
  });
}
