/**
 * The one pipeline: prepare → observe → plan, then an ending per command. plan stops after
 * planning, status judges drift, apply executes and then re-observes until the plan is empty,
 * remove deletes the app it owns. There is no second code path for dry runs or bulk.
 */
import { resolve } from "node:path";
import { loadPublicCertificate } from "../cert/load.js";
import { AppError, ForeignAppError, InputError, PreflightError } from "../shared/errors.js";
import { isGuid, slug } from "../shared/text.js";
import type { ActionResult, ExecutionEvent } from "./execute.js";
import { assertWritableDir, defaultOutDir, readHints, writeConnectionFile, type ConnectionFile } from "./local-state.js";
import { observeTenant } from "./observe.js";
import { inSync } from "./plan.js";
import { converge } from "./converge.js";
import { observeAndPlan, type Prepared } from "./observe-and-plan.js";
export type { Prepared } from "./observe-and-plan.js";
import { preflightProblems } from "./preflight.js";
import { resolveProfile, type Profile } from "./profiles.js";
import type { Session } from "./session.js";
import type { CertificateChoice, DesiredState, ObservedState, Plan } from "./types.js";
import { DEFAULT_APP_NAME, OWNER_TAG_PREFIX } from "./well-known.js";

export interface OnboardOptions {
  /** App display name (default "Xops-App"). */
  name?: string | undefined;
  /** Built-in profile name (xops, m365, entra-id), a profile file path, or a Profile (default "xops"). */
  profile?: string | Profile | undefined;
  /** Attach this public certificate (DER or PEM) instead of generating one. */
  certificate?: string | undefined;
  addCertificate?: boolean | undefined;
  keySize?: 2048 | 3072 | 4096 | undefined;
  validityDays?: number | undefined;
  adopt?: boolean | undefined;
  appId?: string | undefined;
  /** Where certificate files and connection.json go (default ./entra-onboard-out/<tenantId>). */
  outDir?: string | undefined;
  /** The tenant the caller expects (id or domain); a mismatch with the token is an input error. */
  tenant?: string | undefined;
  onEvent?: ((event: PipelineEvent) => void) | undefined;
}

export type PipelineEvent = ExecutionEvent | { type: "phase"; message: string };

export interface PlanResult {
  plan: Plan;
  inSync: boolean;
  /** Problems that would stop apply at preflight (missing roles or scopes). */
  preflight: string[];
  outDir: string;
  simulated: boolean;
}



export interface LocalInputs {
  displayName: string;
  profile: Profile;
  certificate: CertificateChoice;
}

/**
 * Validates everything that needs no tenant: name, profile, certificate file, numbers. The CLI
 * calls it before sign-in so a typo never costs the admin an interactive login.
 */
export async function checkLocalInputs(options: OnboardOptions, now: Date): Promise<LocalInputs> {
  const displayName = (options.name ?? DEFAULT_APP_NAME).trim();
  if (displayName === "" || displayName.length > 120) throw new InputError(`--name must be 1 to 120 characters, got '${options.name}'.`);
  const validityDays = options.validityDays ?? 365;
  if (!Number.isInteger(validityDays) || validityDays < 1 || validityDays > 365) {
    throw new InputError(`--validity-days must be a whole number from 1 to 365 (Graph caps certificate credentials at about a year), got ${options.validityDays}.`);
  }
  if (options.appId !== undefined && !isGuid(options.appId)) throw new InputError(`--app-id must be an application (client) id GUID, got '${options.appId}'.`);
  const profile = typeof options.profile === "object" ? options.profile : await resolveProfile(options.profile ?? "xops");
  const certificate: CertificateChoice = options.certificate
    ? { mode: "file", path: resolve(options.certificate), certificate: await loadPublicCertificate(options.certificate, now) }
    : { mode: "generate", keySizeBits: options.keySize ?? 2048, validityDays };
  if (options.outDir) await assertWritableDir(options.outDir);
  return { displayName, profile, certificate };
}

export async function prepare(session: Session, options: OnboardOptions): Promise<Prepared> {
  if (options.tenant && isGuid(options.tenant) && options.tenant.toLowerCase() !== session.tenantId.toLowerCase()) {
    throw new InputError(`Signed in to tenant ${session.tenantId}, but --tenant is ${options.tenant}. Sign in to the right tenant or fix --tenant.`);
  }
  const { displayName, profile, certificate } = await checkLocalInputs(options, new Date(session.clock.now()));
  const outDir = resolve(options.outDir ?? defaultOutDir(session.tenantId));
  await assertWritableDir(outDir);
  const uniqueName = `entra-onboard-${slug(displayName)}`;
  const desired: DesiredState = {
    displayName,
    uniqueName,
    ownerTag: `${OWNER_TAG_PREFIX}${uniqueName}`,
    profile,
    certificate,
    addCertificate: options.addCertificate ?? false,
    adopt: options.adopt ?? false,
    appId: options.appId,
  };
  const held = certificate.mode === "generate" ? await (await import("../cert/files.js")).readHeldCertificate(outDir) : undefined;
  return { desired, outDir, held, hints: await readHints(outDir, uniqueName) };
}


function checkTenantDomain(options: OnboardOptions, observed: ObservedState): void {
  const wanted = options.tenant?.toLowerCase();
  if (!wanted || isGuid(wanted)) return;
  if (!observed.tenant.domains.some((d) => d.toLowerCase() === wanted)) {
    throw new InputError(`Signed in to tenant ${observed.tenant.id} (${observed.tenant.initialDomain}), which has no domain ${options.tenant}. Sign in to the right tenant or fix --tenant.`);
  }
}

export async function plan(session: Session, options: OnboardOptions = {}): Promise<PlanResult> {
  const prepared = await prepare(session, options);
  options.onEvent?.({ type: "phase", message: `reading tenant ${session.tenantId}` });
  const { observed, plan } = await observeAndPlan(session, prepared, prepared.hints);
  checkTenantDomain(options, observed);
  return { plan, inSync: inSync(plan), preflight: preflightProblems(plan.actions, session.claims), outDir: prepared.outDir, simulated: session.simulated };
}

/** status is plan judged as drift: the same observation, reported instead of executed. */
export const status = plan;

export interface ApplyResult {
  formatVersion: 1;
  simulated: boolean;
  /** False when the tenant already matched (zero writes). */
  changed: boolean;
  plan: Plan;
  results: ActionResult[];
  connection: ConnectionFile & { connectionFile: string };
  warnings: string[];
}

export interface ApplyOptions extends OnboardOptions {
  /** Asked after the plan is shown and before the first write; false aborts with nothing written. */
  confirm?: ((plan: Plan) => Promise<boolean>) | undefined;
  /** Bound on the post-apply wait for Graph to show every change (default 5 minutes). */
  convergeTimeoutMs?: number | undefined;
}

/** The user answered something other than "yes" at the confirmation prompt (exit 1, like terraform). */
export class AbortedError extends AppError {}

export async function apply(session: Session, options: ApplyOptions = {}): Promise<ApplyResult> {
  const prepared = await prepare(session, options);
  options.onEvent?.({ type: "phase", message: `reading tenant ${session.tenantId}` });
  const { observed, plan } = await observeAndPlan(session, prepared, prepared.hints);
  checkTenantDomain(options, observed);
  let finalPlan = plan;
  let results: ActionResult[] = [];
  if (plan.actions.length > 0) {
    const problems = preflightProblems(plan.actions, session.claims);
    if (problems.length > 0) throw new PreflightError(`Preflight failed, nothing was changed: ${problems.join("; ")}. Global Administrator, or Privileged Role Administrator + Cloud Application Administrator, can do every step.`);
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
    results,
    connection: { ...connection, connectionFile },
    warnings: [...finalPlan.warnings, ...finalPlan.findings.map((f) => f.message)],
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
  removed: { appId: string; objectId: string } | undefined;
  outDir: string;
}

/** Deletes the app registration this tool owns (its service principal goes with it). Never a foreign app. */
export async function remove(session: Session, options: OnboardOptions & { confirm?: ((app: { appId: string; displayName: string }) => Promise<boolean>) | undefined } = {}): Promise<RemoveResult> {
  const prepared = await prepare(session, { ...options, certificate: undefined });
  const observed = await observeTenant(session.graph, prepared.desired, undefined, prepared.hints);
  checkTenantDomain(options, observed);
  const { requireManageable, selectApp } = await import("./identity.js");
  const selection = selectApp(prepared.desired, observed.candidates);
  if (selection.kind === "foreign") {
    throw new ForeignAppError(`Refusing to delete '${selection.app.displayName}' (appId ${selection.app.appId}): it was not created or adopted by entra-onboard. Delete it in the Entra admin center if you really mean to.`);
  }
  requireManageable(prepared.desired, selection);
  if (selection.kind !== "owned") return { simulated: session.simulated, removed: undefined, outDir: prepared.outDir };
  const app = selection.app;
  const problems = preflightProblems([{ kind: "create-service-principal" }], session.claims);
  if (problems.length > 0) throw new PreflightError(`Preflight failed, nothing was changed: ${problems.join("; ")}.`);
  if (options.confirm && !(await options.confirm(app))) throw new AbortedError("Remove cancelled; nothing was changed.");
  await session.graph.send({
    method: "DELETE",
    url: `/applications/${app.id}`,
    operation: `delete application ${app.displayName} (${app.appId})`,
    // Already gone (a concurrent remove, or a re-run) is what we wanted.
    accept: [404],
  });
  await (await import("./local-state.js")).removeConnectionFile(prepared.outDir);
  return { simulated: session.simulated, removed: { appId: app.appId, objectId: app.id }, outDir: prepared.outDir };
}
