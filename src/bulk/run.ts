/**
 * bulk(): the one per-tenant pipeline (plan, apply or status from core/pipeline.ts), run for every
 * tenant of a fleet, `concurrency` at a time. There is no second code path: each tenant gets its own
 * Session and `outDir: <outDir>/<tenant id>`, exactly as a single run, so its retries, throttling
 * and idempotence are a single run's. One tenant's failure is recorded and the others go on.
 *
 * Stopping: `stop` (the first Ctrl-C) starts no new tenant and lets those in flight finish;
 * `abandon` (the second) stops waiting for them and reports them as interrupted. Either way the
 * report is written before bulk() returns, and every tenant's run can simply be run again.
 */
import { join, resolve } from "node:path";
import { apply, plan, status, type PipelineEvent } from "../core/pipeline.js";
import type { Action, ActionResult, CertificateGenerator } from "../core/types.js";
import { AppError, InputError } from "../shared/errors.js";
import type { FleetConnection } from "./connect-fleet.js";
import { limitedGenerator } from "./key-generation.js";
import { runQueue } from "./queue.js";
import { BULK_SCHEMA, readReport, ReportWriter, summarize, type BulkReport } from "./report.js";
import type { Fleet, TenantRow } from "./tenants-file.js";
import type { BulkCommand, BulkEvent, BulkSummary, TenantResult } from "./types.js";

export const DEFAULT_CONCURRENCY = 8;

export interface BulkOptions {
  command: BulkCommand;
  /** The checked tenants file (readTenantsFile) or list (fleetFromTenants). */
  fleet: Fleet;
  /** How each tenant is signed in to (connectFleet). */
  connection: FleetConnection;
  /** Per-tenant files go to `<outDir>/<tenant id>/`; apply also writes bulk-report.json and connections.csv here. */
  outDir: string;
  /** Tenants in flight at once (default 8). */
  concurrency?: number | undefined;
  /** Run only the tenants that did not succeed in the last report in `outDir` (failed, interrupted, never run). */
  onlyFailed?: boolean | undefined;
  /** Start no new tenant once aborted; those in flight finish. */
  stop?: AbortSignal | undefined;
  /** Stop waiting for the tenants in flight; they are reported as interrupted. */
  abandon?: AbortSignal | undefined;
  onEvent?: ((event: BulkEvent) => void) | undefined;
  simulated?: boolean | undefined;
}

export interface BulkResult {
  command: BulkCommand;
  summary: BulkSummary;
  /** Every tenant of the file, in file order (with onlyFailed, the others as the last report had them). */
  tenants: TenantResult[];
  interrupted: boolean;
  /** apply: where the report and the connections went. */
  reportFile: string | undefined;
  connectionsFile: string | undefined;
  report: BulkReport;
}

export async function bulk(options: BulkOptions): Promise<BulkResult> {
  const { command, fleet } = options;
  const outDir = resolve(options.outDir);
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  const previous = options.onlyFailed ? await readReport(outDir) : undefined;
  if (options.onlyFailed && !previous) throw new InputError(`--only-failed needs the report of an earlier bulk apply in ${outDir}; none is there.`);
  const last = lastResults(previous);
  const results: TenantResult[] = fleet.rows.map((row) => ({ ...(last(row) ?? notStarted(row, command)), line: row.line }));
  const position = new Map(fleet.rows.map((row, i) => [row, i]));
  const at = (row: TenantRow) => position.get(row) ?? -1;
  const selected = fleet.rows.filter((_, i) => !options.onlyFailed || results[i]?.status !== "succeeded");
  for (const row of selected) results[at(row)] = notStarted(row, command);

  const startedAt = new Date().toISOString();
  let interrupted = false;
  let finished = false;
  const snapshot = (): BulkReport => ({
    schema: BULK_SCHEMA,
    command,
    simulated: options.simulated ?? false,
    source: fleet.source,
    outDir,
    startedAt,
    updatedAt: new Date().toISOString(),
    finished,
    interrupted,
    summary: summarize(results),
    tenants: results,
  });
  // Reading never writes: plan and status leave --out alone.
  const writer = command === "apply" ? new ReportWriter(outDir, snapshot, true) : undefined;
  const emit = (event: BulkEvent) => options.onEvent?.(event);
  emit({ type: "run-started", command, source: fleet.source, total: fleet.rows.length, selected: selected.length, concurrency });
  writer?.touch();

  const { generateCertificate } = await import("../cert/generate.js");
  const generator = limitedGenerator(generateCertificate);
  const claimed = new Map<string, TenantRow>();
  const inFlight = new Set<TenantRow>();
  const work = async (row: TenantRow) => {
    inFlight.add(row);
    emit({ type: "tenant-started", line: row.line, tenant: row.tenant });
    const result = await runTenant(withGenerator(row, generator), command, outDir, options.connection, claimed, (event) => emit({ type: "tenant-progress", line: row.line, tenant: row.tenant, event }));
    inFlight.delete(row);
    // An abandoned tenant stays "interrupted" even if it finishes later.
    if (!(options.abandon?.aborted)) {
      results[at(row)] = result;
      emit({ type: "tenant-finished", result });
      writer?.touch();
    }
  };
  const queue = runQueue(selected, concurrency, work, options.stop);
  const outcome = await Promise.race([queue, abandoned(options.abandon)]);
  if (outcome === "abandoned" || outcome.notStarted.length > 0) {
    interrupted = true;
    const notStartedRows = outcome === "abandoned" ? selected.filter((r) => results[at(r)]?.status === "not-started" && !inFlight.has(r)) : outcome.notStarted;
    for (const row of inFlight) results[at(row)] = { ...notStarted(row, command), status: "interrupted", error: "the run was abandoned while this tenant was in progress; run again to finish it" };
    emit({ type: "interrupted", reason: outcome === "abandoned" ? "abandon" : "stop", inFlight: [...inFlight].map((r) => r.tenant), notStarted: notStartedRows.map((r) => r.tenant) });
  }
  finished = true;
  const report = snapshot();
  await writer?.close();
  const summary = summarize(results);
  emit({ type: "run-finished", summary, interrupted });
  return {
    command,
    summary,
    tenants: results,
    interrupted,
    reportFile: writer ? join(outDir, "bulk-report.json") : undefined,
    connectionsFile: writer ? join(outDir, "connections.csv") : undefined,
    report,
  };
}

/** Finds a row's entry in the last report: the same tenant as written, or the same tenant by id or initial domain. */
function lastResults(previous: BulkReport | undefined): (row: TenantRow) => TenantResult | undefined {
  const byName = new Map<string, TenantResult>();
  for (const t of previous?.tenants ?? []) {
    for (const name of [t.tenant, t.tenantId, t.connection?.organization]) if (name && !byName.has(name.toLowerCase())) byName.set(name.toLowerCase(), t);
  }
  return (row) => byName.get(row.tenant.toLowerCase());
}

function abandoned(signal: AbortSignal | undefined): Promise<"abandoned"> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) resolve("abandoned");
    else signal.addEventListener("abort", () => resolve("abandoned"), { once: true });
  });
}

/** The row with the fleet's shared key generator (one key per core at a time). */
function withGenerator(row: TenantRow, generator: CertificateGenerator): TenantRow {
  const choice = row.desired.certificate;
  return choice.mode === "generate" ? { ...row, desired: { ...row.desired, certificate: { ...choice, generator } } } : row;
}

function notStarted(row: TenantRow, command: BulkCommand): TenantResult {
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

async function runTenant(
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
    result.tenantId = session.tenantId;
    // Two rows can name one tenant (its id and its domain): only one may run, or both would write one --out.
    const other = claimed.get(session.tenantId.toLowerCase());
    if (other) throw new AppError(`${row.tenant} is tenant ${session.tenantId}, already ${other.line > 0 ? `on line ${other.line} (${other.tenant})` : `listed as ${other.tenant}`}`);
    claimed.set(session.tenantId.toLowerCase(), row);
    const options = { desired: row.desired, outDir: join(outDir, session.tenantId), tenant: row.tenant, onEvent };
    if (command === "apply") {
      const applied = await apply(session, options);
      const c = applied.connection;
      return done({
        status: "succeeded",
        changed: applied.changed,
        actions: applied.results.map(resultLabel),
        connection: {
          friendlyName: row.friendlyName ?? c.friendlyName,
          tenantId: c.tenantId,
          appId: c.appId,
          organization: c.organization,
          certificateFile: c.certificate?.cerPath ?? null,
          thumbprint: c.certificate?.thumbprint ?? null,
        },
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
      return `grant ${action.resourceName} / ${action.value}`;
    case "assign-directory-role":
      return `assign ${action.roleName}`;
    case "delete-application":
      return `delete application ${action.displayName}`;
  }
}

function resultLabel(result: ActionResult): string {
  return `${actionLabel(result.action)}: ${result.outcome}`;
}
