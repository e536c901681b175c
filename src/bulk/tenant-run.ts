/**
 * One tenant of a fleet run: sign in (through the fleet's connection), then the single-tenant
 * pipeline's plan, status or apply with `outDir: <out>/<tenant id>`, and its outcome in words for
 * the report. Every error becomes the tenant's result: one tenant never stops the others.
 */
import { join } from "node:path";
import { apply, plan, status, type PipelineEvent } from "../core/pipeline.js";
import { readConnectionRecord, type ConnectionRecord } from "../core/record.js";
import type { Action, ActionResult } from "../core/types.js";
import { AppError } from "../shared/errors.js";
import { isGuid } from "../shared/text.js";
import type { FleetConnection } from "./connect-fleet.js";
import type { TenantRow } from "./tenants-file.js";
import type { BulkCommand, FleetConnectionDetails, TenantResult } from "./types.js";

/** A tenant that has not run (yet): its row and nothing else. */
export function notStarted(row: TenantRow, command: BulkCommand): TenantResult {
  return {
    line: row.line,
    tenant: row.tenant,
    tenantId: null,
    friendlyName: row.friendlyName ?? null,
    command,
    status: "not-started",
    startedAt: null,
    durationMs: null,
    actions: [],
    changed: null,
    inSync: null,
    preflight: [],
    connection: null,
    error: null,
  };
}

export async function runTenant(
  row: TenantRow,
  command: BulkCommand,
  outDir: string,
  connection: FleetConnection,
  claimed: Map<string, TenantRow>,
  onEvent: (event: PipelineEvent) => void,
): Promise<TenantResult> {
  const started = Date.now();
  const result: TenantResult = { ...notStarted(row, command), startedAt: new Date(started).toISOString() };
  const done = (fields: Partial<TenantResult>): TenantResult => ({ ...result, ...fields, durationMs: Date.now() - started });
  try {
    const session = await connection.session(row.tenant);
    // The tenant id names the tenant's directory under --out: a GUID, never a path.
    if (!isGuid(session.tenantId)) throw new AppError(`The token for ${row.tenant} names tenant '${session.tenantId}', which is not a tenant id (GUID).`);
    result.tenantId = session.tenantId;
    // Two rows can name one tenant (its id and its domain): only one may run, or both would write one --out.
    const other = claimed.get(session.tenantId.toLowerCase());
    if (other) throw new AppError(`${row.tenant} is tenant ${session.tenantId}, already ${other.line > 0 ? `on line ${other.line} (${other.tenant})` : `listed as ${other.tenant}`}`);
    claimed.set(session.tenantId.toLowerCase(), row);
    const options = { desired: row.desired, outDir: join(outDir, session.tenantId), tenant: row.tenant, onEvent };
    if (command === "apply") {
      const applied = await apply(session, options);
      return done({
        status: "succeeded",
        changed: applied.changed,
        actions: applied.results.map(resultLabel),
        connection: connectionDetails(row, applied.connection),
      });
    }
    const read = command === "plan" ? await plan(session, options) : await status(session, options);
    const fields = { inSync: read.inSync, actions: read.plan.actions.map(actionLabel), preflight: read.preflight };
    // A plan the admin could not apply is this tenant's failure (a single `plan` exits 4 on it).
    if (command === "plan" && read.preflight.length > 0) return done({ ...fields, status: "failed", error: `preflight would refuse: ${read.preflight.join("; ")}` });
    return done({ ...fields, status: "succeeded" });
  } catch (error) {
    return done({ status: "failed", error: firstLine(error) });
  }
}

/** What connections.csv lists for a tenant: from connection.json as apply wrote it (no key material). */
function connectionDetails(row: TenantRow, c: ConnectionRecord & { appId: string }): FleetConnectionDetails {
  return {
    friendlyName: row.friendlyName ?? c.friendlyName ?? c.displayName ?? "",
    tenantId: c.tenantId,
    appId: c.appId,
    organization: c.organization ?? "",
    certificateFile: c.certificate?.cerPath ?? null,
    thumbprint: c.certificate?.thumbprint ?? null,
  };
}

/**
 * A tenant the last run finished and this one does not run again (--only-failed): its connection
 * details as its connection.json in `<out>/<tenant id>/` records them now (record.ts: bounded, checked
 * field by field), not as the report remembers them. No record for that tenant and an app: none.
 */
export async function recordedConnection(row: TenantRow, last: TenantResult, outDir: string): Promise<TenantResult> {
  if (last.tenantId === null || last.connection === null) return last;
  const record = await readConnectionRecord(join(outDir, last.tenantId));
  const appId = record?.appId;
  const found = record && appId !== undefined && record.tenantId === last.tenantId.toLowerCase() ? connectionDetails(row, { ...record, appId }) : null;
  return { ...last, connection: found };
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split(/\r?\n/)[0] ?? text;
}

/** An action in words, e.g. "grant Microsoft Graph / AccessReview.Read.All". */
export function actionLabel(action: Action): string {
  switch (action.kind) {
    case "create-resource-service-principal":
      return `create service principal for ${action.resourceName}`;
    case "create-application":
      return `create application ${action.displayName}`;
    case "adopt-application":
      return `adopt application ${action.appId}`;
    case "update-application":
      return `update application (${action.reasons.join("; ")})`;
    case "add-certificate":
      return action.source === "generate" ? `add certificate (generated, RSA ${action.keySizeBits})` : `add certificate ${action.thumbprint}`;
    case "create-service-principal":
      return "create service principal for the app";
    case "grant-app-role":
      return `grant ${action.resourceName} / ${action.value}${privileged(action)}`;
    case "assign-directory-role":
      return `assign ${action.roleName}${privileged(action)}`;
    case "delete-application":
      return `delete application ${action.displayName}`;
    // remove's undo of an adopted app (bulk never runs remove); revoke and remove are also --prune's.
    case "remove-certificates":
      return `remove certificate${action.thumbprints.length === 1 ? "" : "s"} ${action.thumbprints.join(", ")}`;
    case "revoke-app-role":
      return `revoke ${action.resourceName} / ${action.value}`;
    case "remove-directory-role":
      return `remove ${action.roleName}`;
    case "untag-application":
      return `release application ${action.appId}`;
  }
}

/** A grant beyond read-only access (allowed by --allow-privileged) says so, as the single plan marks it. */
function privileged(action: { privileged?: boolean | undefined }): string {
  return action.privileged ? " [PRIVILEGED]" : "";
}

function resultLabel(result: ActionResult): string {
  return `${actionLabel(result.action)}: ${result.outcome}`;
}
