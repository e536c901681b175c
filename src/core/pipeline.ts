/**
 * The one pipeline: desired → observe → plan, then an ending per command. plan stops after
 * planning, status judges drift, apply (apply.ts) executes and then re-observes until the plan is
 * empty, rotate (rotate.ts) does that for a new certificate with its own planner, and remove plans
 * in destroy mode and executes that plan through the same executor. There is no second code path
 * for dry runs, removal, rotation or bulk.
 */
import { AbortedError } from "../shared/errors.js";
import type { OnboardOptions } from "./desired.js";
import { executePlan } from "./execute.js";
import { removeConnectionFile } from "./local-state.js";
import { inSync } from "./plan.js";
import { preflightProblems } from "./preflight.js";
import { refuseOnPreflight, withRun } from "./run.js";
import type { Session } from "./session.js";
import type { ActionResult, Plan, PlanMode } from "./types.js";

export { apply } from "./apply.js";
export type { ApplyOptions, ApplyResult, CertificateAnswer } from "./apply.js";
export type { FormValues } from "./connection-details.js";
export { rotate } from "./rotate.js";
export type { RotateOptions, RotateResult } from "./rotate.js";
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
    refuseOnPreflight(plan, session);
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
