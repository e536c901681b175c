/**
 * executePlan: carry out a plan's actions through the Graph door, in dependency stages, with the
 * independent actions of a stage sent together. Every step is idempotent (an "already exists"
 * answer is success), so a run killed anywhere can simply be run again.
 */
import type { Graph } from "../graph/types.js";
import type { Clock } from "../shared/clock.js";
import { CertificateRefusedError } from "../shared/errors.js";
import { obtainDeps, steps, type ExecutionContext, type StepDeps } from "./execute-steps.js";
import { managedCertificate, obtainCertificate } from "./obtain-certificate.js";
import { undoSteps } from "./execute-undo.js";
import type { Intents, RunRecord } from "./run-record.js";
import type { Action, ActionResult, DesiredState, ExecutionEvent, ObservedState, Plan } from "./types.js";

export type { ActionOutcome, ActionResult, ExecutionEvent } from "./types.js";

/** Stage of each action kind: an action only depends on actions of earlier stages. */
const STAGE: Readonly<Record<Action["kind"], number>> = {
  "create-resource-service-principal": 1,
  "create-application": 1,
  "adopt-application": 1,
  "update-application": 1,
  "add-certificate": 2,
  "create-service-principal": 2,
  "grant-app-role": 3,
  "assign-directory-role": 3,
  // Deleting the app takes its service principal and assignments with it: one request.
  "delete-application": 1,
  // Undoing an adoption: what hangs off the app first, the tag that marks it last.
  "remove-certificates": 1,
  "revoke-app-role": 1,
  "remove-directory-role": 1,
  "untag-application": 2,
};

export interface ExecuteDeps {
  graph: Graph;
  clock: Clock;
  desired: DesiredState;
  observed: ObservedState;
  outDir: string;
  /** connection.json as apply keeps it: intents are written before each stage (apply only). */
  record?: RunRecord | undefined;
  onEvent?: ((event: ExecutionEvent) => void) | undefined;
}

export interface ExecutionOutcome {
  results: ActionResult[];
  context: ExecutionContext;
  /**
   * The upsert of a planned "create application" found the app already there: the plan was made
   * for a tenant that has changed, so execution stopped after stage 1 and the caller re-observes
   * and re-plans (a concurrent run of the tool converges; an app planted under our uniqueName is
   * then judged by its owners, before anything is granted to it).
   */
  replan: boolean;
}

export async function executePlan(plan: Plan, deps: ExecuteDeps): Promise<ExecutionOutcome> {
  const actions = plan.actions;
  const context = initialContext(plan, deps.observed);
  const stepDeps: StepDeps = { graph: deps.graph, clock: deps.clock, desired: deps.desired, outDir: deps.outDir, context, record: deps.record };
  if (context.app && deps.record) await deps.record.noteApp(context.app);
  const addCertificate = actions.find((a) => a.kind === "add-certificate");
  if (addCertificate?.kind === "add-certificate") {
    context.pendingCertificate = obtainCertificate(addCertificate, obtainDeps(stepDeps));
    // Awaited by the add-certificate step; this only stops an early failure from going unhandled.
    context.pendingCertificate.catch(() => undefined);
  }
  const results: ActionResult[] = [];
  let refused: CertificateRefusedError | undefined;
  for (const stage of [1, 2, 3]) {
    // Stage 2 sends the certificate PATCH and the service principal POST together, so wait for the
    // certificate (generated during stage 1) before starting either.
    if (stage === 2) await context.pendingCertificate?.catch(() => undefined);
    const batch = actions.filter((a) => STAGE[a.kind] === stage);
    if (batch.length > 0) await deps.record?.noteIntents(intentsOf(batch, deps.desired));
    const settled = await Promise.allSettled(
      batch.map(async (action) => {
        deps.onEvent?.({ type: "action-started", action });
        try {
          const result = await runStep(action, stepDeps);
          deps.onEvent?.({ type: "action-done", result });
          return result;
        } catch (error) {
          deps.onEvent?.({ type: "action-failed", action, error });
          throw error;
        }
      }),
    );
    for (const s of settled) if (s.status === "fulfilled") results.push(s.value);
    // Let every action of the stage finish before failing, so nothing is left half-sent. A
    // certificate the tenant's policy refuses stops only itself: consent and role do not depend on
    // it, so the run still does them (as --no-certificate would) and reports the refusal at the end.
    const rejected = settled.filter((s): s is PromiseRejectedResult => s.status === "rejected");
    refused ??= rejected.find((s) => s.reason instanceof CertificateRefusedError)?.reason;
    const failed = rejected.find((s) => !(s.reason instanceof CertificateRefusedError));
    if (failed) {
      // Nor leave key generation running past the run: a re-run must find the files complete.
      await context.pendingCertificate?.catch(() => undefined);
      throw failed.reason;
    }
    if (results.some((r) => r.action.kind === "create-application" && r.outcome === "already-existed")) {
      await context.pendingCertificate?.catch(() => undefined);
      return { results, context, replan: true };
    }
  }
  if (refused) throw refused;
  return { results, context, replan: false };
}

/** What a stage is about to add, for the record (generated certificates are noted when made). */
function intentsOf(batch: readonly Action[], desired: DesiredState): Intents {
  const intents: Required<Intents> = { certificates: [], permissions: [], roles: [], listedPermissions: [], tags: [] };
  for (const action of batch) {
    if (action.kind === "add-certificate" && action.thumbprint) {
      const brought = action.source === "file" && desired.certificate.mode === "file" ? desired.certificate.certificate : undefined;
      intents.certificates.push(brought ? managedCertificate(brought, "brought") : action.thumbprint);
    }
    if (action.kind === "grant-app-role" && action.appRoleId) intents.permissions.push({ resourceAppId: action.resourceAppId, appRoleId: action.appRoleId });
    if (action.kind === "assign-directory-role") intents.roles.push(action.roleDefinitionId);
    if (action.kind === "adopt-application") intents.tags.push(desired.ownerTag);
    if (action.kind === "update-application") {
      for (const p of action.addedPermissions) if (p.appRoleId) intents.listedPermissions.push({ resourceAppId: p.resourceAppId, appRoleId: p.appRoleId });
      if (action.changes.tags?.includes(desired.ownerTag)) intents.tags.push(desired.ownerTag);
    }
  }
  return intents;
}

function runStep(action: Action, deps: StepDeps): Promise<ActionResult> {
  // The switch keeps each step's parameter type exact without casts.
  switch (action.kind) {
    case "create-resource-service-principal":
      return steps.createResourceServicePrincipal(action, deps);
    case "create-application":
      return steps.createApplication(action, deps);
    case "adopt-application":
      return steps.adoptApplication(action, deps);
    case "update-application":
      return steps.updateApplication(action, deps);
    case "add-certificate":
      return steps.addCertificate(action, deps);
    case "create-service-principal":
      return steps.createServicePrincipal(action, deps);
    case "grant-app-role":
      return steps.grantAppRole(action, deps);
    case "assign-directory-role":
      return steps.assignDirectoryRole(action, deps);
    case "delete-application":
      return steps.deleteApplication(action, deps);
    case "remove-certificates":
      return undoSteps.removeCertificates(action, deps);
    case "revoke-app-role":
      return undoSteps.revokeAppRole(action, deps);
    case "remove-directory-role":
      return undoSteps.removeDirectoryRole(action, deps);
    case "untag-application":
      return undoSteps.untagApplication(action, deps);
  }
}

function initialContext(plan: Plan, observed: ObservedState): ExecutionContext {
  const objectId = plan.app.state === "absent" ? undefined : plan.app.objectId;
  const app = observed.candidates.find((c) => c.id === objectId);
  return {
    app: app ? { id: app.id, appId: app.appId, keyCredentials: app.keyCredentials.map((k) => k.raw) } : undefined,
    servicePrincipalId: plan.app.servicePrincipalId,
    resources: { ...observed.resources },
    pendingCertificate: undefined,
  };
}
