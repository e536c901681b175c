/**
 * The convergence check that ends apply: execute, then re-observe until the plan is empty.
 */
import { ConvergenceError, InternalError, TimeoutError } from "../shared/errors.js";
import type { PipelineEvent, Prepared } from "./desired.js";
import { executePlan } from "./execute.js";
import { observeAndPlan, type Planner } from "./observe-and-plan.js";
import { pollUntil } from "./poll.js";
import type { Session } from "./session.js";
import type { ActionResult, ObservedState, Plan } from "./types.js";

export interface ConvergeOptions {
  /** Bound on the wait for Graph to show every change (default 5 minutes). */
  convergeTimeoutMs?: number | undefined;
  onEvent?: ((event: PipelineEvent) => void) | undefined;
}

/** What the re-observation plans against: computePlan by default, rotate's planner for rotate. */
interface ConvergeRun {
  planner?: Planner | undefined;
}

/** How long verification waits for writes to show before re-running what is still missing. */
const GRACE_MS = 8_000;
const MAX_EXECUTIONS = 4;

/**
 * Execute, then re-observe until the plan is empty (the convergence check). Graph replication
 * usually shows every write within the grace period; whatever is still missing after it (lost to
 * a concurrent run's keyCredentials PATCH, say) is planned and executed again. Every step is
 * idempotent, so a repeat of something merely slow to show is harmless. An execution that stopped
 * for a re-plan (the app it was to create was already there) is followed at once by a fresh
 * observation and plan, which may refuse the app (ForeignAppError) before anything is granted.
 */
/**
 * The key in --out after an execution: the one this run generated (or held), as connection.json
 * records. Anything else means --out changed under the run (a writer that ignored the lock): it is
 * never uploaded, and the run fails rather than report a certificate it cannot vouch for.
 */
async function rereadHeldCertificate(prepared: Prepared): Promise<void> {
  if (prepared.desired.certificate.mode !== "generate") return;
  const held = await (await import("../cert/files.js")).readHeldCertificate(prepared.outDir);
  const recorded = prepared.record.facts()?.certificates ?? [];
  if (held && !recorded.includes(held.thumbprint.toUpperCase())) {
    throw new ConvergenceError(`--out ${prepared.outDir} changed during the run: it now holds a certificate (${held.thumbprint}) this run did not make, so it is not uploaded. Check who else writes there, then run apply again.`);
  }
  prepared.held = held;
}

export async function converge(session: Session, prepared: Prepared, firstPlan: Plan, firstObserved: ObservedState, options: ConvergeOptions & ConvergeRun): Promise<{ results: ActionResult[]; plan: Plan }> {
  const start = session.clock.now();
  const deadline = options.convergeTimeoutMs ?? 300_000;
  const results: ActionResult[] = [];
  let plan = firstPlan;
  let observed = firstObserved;
  for (let execution = 1; ; execution++) {
    const outcome = await executePlan(plan, { graph: session.graph, clock: session.clock, desired: prepared.desired, observed, outDir: prepared.outDir, record: prepared.record, onEvent: options.onEvent });
    results.push(...outcome.results);
    await rereadHeldCertificate(prepared);
    const hints = { appId: outcome.context.app?.appId, appObjectId: outcome.context.app?.id, servicePrincipalId: outcome.context.servicePrincipalId };
    if (outcome.replan) {
      if (execution >= MAX_EXECUTIONS) throw new ConvergenceError("apply kept finding the application it was creating already there; run it again");
      options.onEvent?.({ type: "phase", message: "the application already existed (another run, or someone else, created it): reading the tenant again before going on" });
      ({ plan, observed } = await observeAndPlan(session, prepared, hints, "apply", options.planner));
      if (plan.actions.length === 0) return { results, plan };
      continue;
    }
    options.onEvent?.({ type: "phase", message: "checking that the tenant now matches the profile" });
    let latest: { observed: ObservedState; plan: Plan } | undefined;
    const remaining = Math.max(0, deadline - (session.clock.now() - start));
    const done = await pollUntil(
      session.clock,
      "Microsoft Graph to show every change (replication)",
      async () => {
        latest = await observeAndPlan(session, prepared, hints, "apply", options.planner);
        return latest.plan.actions.length === 0 ? latest.plan : undefined;
      },
      { maxElapsedMs: execution < MAX_EXECUTIONS ? Math.min(GRACE_MS, remaining) : remaining, initialDelayMs: 500 },
    ).catch((error: unknown) => {
      // Only the wait running out is retried; a refusal or a Graph error ends the run as it is.
      if (!(error instanceof TimeoutError)) throw error;
      if (execution < MAX_EXECUTIONS && session.clock.now() - start < deadline && latest) return undefined;
      throw new ConvergenceError(`apply made its changes but the tenant does not show them all yet: ${error.message}`, { cause: error });
    });
    if (done) return { results, plan: done };
    if (!latest) throw new InternalError("converge ended without an observation");
    options.onEvent?.({ type: "phase", message: `still missing after ${Math.round((session.clock.now() - start) / 1000)} s: ${latest.plan.actions.map((a) => a.kind).join(", ")}; applying again` });
    ({ plan, observed } = latest);
  }
}
