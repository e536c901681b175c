/** Observe then plan: the shared first half of every command, and the convergence check's read. */
import type { Prepared } from "./desired.js";
import { observeTenant } from "./observe.js";
import { computePlan } from "./plan.js";
import type { Session } from "./session.js";
import type { DesiredState, ObservedState, ObserveHints, Plan, PlanMode } from "./types.js";

/** The pure planner of a run's ending: computePlan for plan, apply and remove; rotate has its own (plan-rotate.ts). */
export type Planner = (desired: DesiredState, observed: ObservedState, now: Date) => Plan;

export async function observeAndPlan(session: Session, prepared: Prepared, hints: ObserveHints, mode: PlanMode = "apply", planner?: Planner): Promise<{ observed: ObservedState; plan: Plan }> {
  // A destroy plan needs no certificate: the app goes with all of its certificates.
  const held = mode !== "destroy" ? prepared.held : undefined;
  const observed = await observeTenant(session.graph, {
    desired: prepared.desired,
    heldCertificate: held,
    hints,
    record: prepared.record.facts(),
    signedInId: session.claims?.oid,
    cloud: session.cloud,
  });
  const now = new Date(session.clock.now());
  return { observed, plan: planner ? planner(prepared.desired, observed, now) : computePlan(prepared.desired, observed, now, mode) };
}
