/** Observe then plan: the shared first half of every command, and the convergence check's read. */
import { observeTenant } from "./observe.js";
import { computePlan } from "./plan.js";
import type { Session } from "./session.js";
import type { DesiredState, HeldCertificate, ObservedState, ObserveHints, Plan } from "./types.js";

/** Everything a run knows before it reads the tenant. */
export interface Prepared {
  desired: DesiredState;
  outDir: string;
  held: HeldCertificate | undefined;
  hints: ObserveHints;
}

export async function observeAndPlan(session: Session, prepared: Prepared, hints: ObserveHints): Promise<{ observed: ObservedState; plan: Plan }> {
  const observed = await observeTenant(session.graph, prepared.desired, prepared.held, hints);
  return { observed, plan: computePlan(prepared.desired, observed, new Date(session.clock.now())) };
}
