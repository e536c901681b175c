/**
 * The one JSON document each command prints on stdout with --json. Every document starts with
 * `"schema": "entra-onboard/<command>/v<N>"`; a field is only ever added within a version, and a
 * removed or changed field means a new version. Ids are here (permission and role GUIDs next to
 * their names); text output shows names only.
 */
import { BULK_SCHEMA } from "../../bulk/report.js";
import type { ApplyResult, PlanResult, RemoveResult, RotateResult } from "../../core/pipeline.js";
import type { ActionResult, Plan } from "../../core/types.js";
import type { VerifyReport } from "../../core/verify.js";

export const SCHEMAS = {
  plan: "entra-onboard/plan/v1",
  status: "entra-onboard/status/v1",
  apply: "entra-onboard/apply/v1",
  remove: "entra-onboard/remove/v1",
  verify: "entra-onboard/verify/v1",
  rotate: "entra-onboard/rotate/v1",
  logout: "entra-onboard/logout/v1",
  /** bulk --json and bulk-report.json share one shape (src/bulk/report.ts). */
  bulk: BULK_SCHEMA,
  /** One line of bulk --ndjson. */
  bulkEvent: "entra-onboard/bulk-event/v1",
} as const;

/** The document text: one line, newline-terminated. */
export function jsonDocument(document: { schema: string }): string {
  return `${JSON.stringify(document)}\n`;
}

/** A plan without its library-only version field (the document's schema versions it). */
function planFields(plan: Plan) {
  const { formatVersion: _formatVersion, ...fields } = plan;
  return fields;
}

const resultFields = (results: readonly ActionResult[]) => results.map((r) => ({ ...r.action, outcome: r.outcome, detail: r.detail }));

export function planDocument(result: PlanResult, command: "plan" | "status") {
  return { schema: SCHEMAS[command], simulated: result.simulated, inSync: result.inSync, preflight: result.preflight, ...planFields(result.plan) };
}

/** A verify report, or the error that stopped verify before any check ran. */
export function verifyFields(report: VerifyReport | { error: string }) {
  return "error" in report ? { ok: false, attempts: 0, checks: [], error: report.error } : { ok: report.ok, attempts: report.attempts, checks: report.checks };
}

export function verifyDocument(report: VerifyReport, simulated: boolean) {
  return { schema: SCHEMAS.verify, simulated, ...verifyFields(report) };
}

/** apply's document; with --verify the verify report is its `verify` field, so it stays one document. */
export function applyDocument(result: ApplyResult, verify?: VerifyReport | { error: string }) {
  const { formatVersion: _formatVersion, ...connection } = result.connection;
  return {
    schema: SCHEMAS.apply,
    simulated: result.simulated,
    changed: result.changed,
    ...connection,
    actions: resultFields(result.results),
    findings: result.finalPlan.findings,
    warnings: result.warnings,
    ...(verify ? { verify: verifyFields(verify) } : {}),
  };
}

export function removeDocument(result: RemoveResult) {
  return {
    schema: SCHEMAS.remove,
    simulated: result.simulated,
    dryRun: result.dryRun,
    preflight: result.preflight,
    removed: result.removed ?? null,
    released: result.released ?? null,
    plan: planFields(result.plan),
    actions: resultFields(result.results),
  };
}

/** rotate's document; when rotate signed in with the new key, its report is the `verify` field. */
export function rotateDocument(result: RotateResult, verify?: VerifyReport) {
  const connection = result.connection;
  return {
    schema: SCHEMAS.rotate,
    simulated: result.simulated,
    dryRun: result.dryRun,
    added: result.added ?? null,
    retired: result.retired,
    kept: result.kept,
    proven: result.proven ?? null,
    certificate: connection?.certificate ?? null,
    managed: connection?.managed ?? null,
    connectionFile: connection?.connectionFile ?? null,
    plan: planFields(result.plan),
    actions: resultFields(result.results),
    warnings: result.warnings,
    ...(verify ? { verify: verifyFields(verify) } : {}),
  };
}
