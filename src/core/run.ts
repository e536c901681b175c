/**
 * What every ending of the pipeline shares: prepare, observe and plan under --out's lock (withRun),
 * and the writing half of apply and rotate (preflight, confirmation, execute, converge).
 */
import { AbortedError, InputError, PreflightError } from "../shared/errors.js";
import { isGuid } from "../shared/text.js";
import { converge, type ConvergeOptions } from "./converge.js";
import { locate, readLocalState, type OnboardOptions, type Prepared } from "./desired.js";
import { observeAndPlan, type Planner } from "./observe-and-plan.js";
import { lockOutDir } from "./out-lock.js";
import { preflightProblems } from "./preflight.js";
import type { Session } from "./session.js";
import type { ActionResult, ObservedState, Plan, PlanMode } from "./types.js";

export const ADMIN_HINT = "Global Administrator, or Privileged Role Administrator + Cloud Application Administrator, can do every step.";

function checkTenantDomain(options: OnboardOptions, observed: ObservedState): void {
  const wanted = options.tenant?.toLowerCase();
  if (!wanted || isGuid(wanted)) return;
  if (!observed.tenant.domains.some((d) => d.toLowerCase() === wanted)) {
    throw new InputError(`Signed in to tenant ${observed.tenant.id} (${observed.tenant.initialDomain}), which has no domain ${options.tenant}. Sign in to the right tenant or fix --tenant.`);
  }
}

/** Removing needs no certificate: a given one is not read. */
const forMode = (options: OnboardOptions, mode: PlanMode): OnboardOptions => (mode === "destroy" ? { ...options, certificate: undefined } : options);

export interface Run {
  prepared: Prepared;
  observed: ObservedState;
  plan: Plan;
}

/**
 * Prepare, observe and plan; then `work`. apply, rotate and remove (`lock`) hold --out's lock from
 * before they read it until they are done, so two runs never interleave their files (out-lock.ts).
 */
export async function withRun<T>(session: Session, options: OnboardOptions, mode: PlanMode, lock: boolean, work: (run: Run) => Promise<T>, planner?: Planner): Promise<T> {
  const located = await locate(session, forMode(options, mode));
  const held = lock ? await lockOutDir(located.outDir, (message) => options.onEvent?.({ type: "warning", message })) : undefined;
  try {
    const prepared = await readLocalState(session, located, mode);
    options.onEvent?.({ type: "phase", message: `reading tenant ${session.tenantId}` });
    const { observed, plan } = await observeAndPlan(session, prepared, prepared.hints, mode, planner);
    checkTenantDomain(options, observed);
    return await work({ prepared, observed, plan });
  } finally {
    await held?.release();
  }
}

export function refuseOnPreflight(plan: Plan, session: Session): void {
  const problems = preflightProblems(plan.actions, session.claims);
  if (problems.length > 0) throw new PreflightError(`Preflight failed, nothing was changed: ${problems.join("; ")}. ${ADMIN_HINT}`);
}

export interface WriteOptions extends ConvergeOptions {
  /** Asked after the plan is shown and before the first write; false aborts with nothing written. */
  confirm?: ((plan: Plan) => Promise<boolean>) | undefined;
  planner?: Planner | undefined;
  /** How a cancelled confirmation is reported ("Apply cancelled"). */
  cancelled?: string | undefined;
}

/** Preflight, confirm, execute and converge a plan; a plan with nothing to do writes nothing. */
export async function executeConfirmed(session: Session, run: Run, options: WriteOptions): Promise<{ results: ActionResult[]; finalPlan: Plan }> {
  if (run.plan.actions.length === 0) return { results: [], finalPlan: run.plan };
  refuseOnPreflight(run.plan, session);
  if (options.confirm && !(await options.confirm(run.plan))) throw new AbortedError(`${options.cancelled ?? "Apply cancelled"}; nothing was changed.`);
  const converged = await converge(session, run.prepared, run.plan, run.observed, options);
  return { results: converged.results, finalPlan: converged.plan };
}
