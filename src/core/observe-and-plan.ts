/** Observe then plan: the shared first half of every command, and the convergence check's read. */
import type { Prepared } from "./desired.js";
import { observeTenant } from "./observe.js";
import { computePlan } from "./plan.js";
import type { Session } from "./session.js";
import type { ObservedState, ObserveHints, Plan, PlanMode } from "./types.js";

export async function observeAndPlan(session: Session, prepared: Prepared, hints: ObserveHints, mode: PlanMode = "apply"): Promise<{ observed: ObservedState; plan: Plan }> {
  // A destroy plan needs no certificate: the app goes with all of its certificates.
  const held = mode === "apply" ? prepared.held : undefined;
  const observed = await observeTenant(session.graph, {
    desired: prepared.desired,
    heldCertificate: held,
    hints,
    record: prepared.record.facts(),
    signedInId: session.claims?.oid,
    cloud: session.cloud,
  });
  return { observed, plan: computePlan(prepared.desired, observed, new Date(session.clock.now()), mode) };
}
