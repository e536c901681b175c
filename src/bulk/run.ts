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
import { lockOutDir } from "../core/out-lock.js";
import type { CertificateGenerator } from "../core/types.js";
import { InputError } from "../shared/errors.js";
import type { FleetConnection } from "./connect-fleet.js";
import { limitedGenerator } from "./key-generation.js";
import { checkFleetOutDir } from "./out-dir.js";
import { runQueue } from "./queue.js";
import { BULK_SCHEMA, readReport, ReportWriter, summarize, type BulkReport } from "./report.js";
import { notStarted, recordedConnection, runTenant } from "./tenant-run.js";
import type { Fleet, TenantRow } from "./tenants-file.js";
import type { BulkCommand, BulkEvent, BulkSummary, TenantResult } from "./types.js";

export const DEFAULT_CONCURRENCY = 8;

export interface BulkOptions {
  command: BulkCommand;
  /** The checked tenants file (readTenantsFile) or list (fleetFromTenants). */
  fleet: Fleet;
  /** How each tenant is signed in to (connectFleet). */
  connection: FleetConnection;
  /**
   * Per-tenant files go to `<outDir>/<tenant id>/` (each a single run's --out, with its own lock);
   * apply also writes bulk-report.json and connections.csv here, holding this directory's lock. It
   * must be the user's own and closed to group and others, like any --out (out-dir.ts).
   */
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
  await checkFleetOutDir(outDir);
  const emit = (event: BulkEvent) => options.onEvent?.(event);
  // Reading never writes: plan and status leave --out alone. apply holds the root's lock (one fleet
  // run per --out writes the report), and each tenant's run the lock of its own directory.
  const lock = command === "apply" ? await lockOutDir(outDir, (message) => emit({ type: "warning", message })) : undefined;
  try {
    const previous = options.onlyFailed ? await readReport(outDir) : undefined;
    if (options.onlyFailed && !previous) throw new InputError(`--only-failed needs the report of an earlier bulk apply in ${outDir}; none is there.`);
    const last = lastResults(previous);
    const results: TenantResult[] = fleet.rows.map((row) => ({ ...(last(row) ?? notStarted(row, command)), line: row.line }));
    const position = new Map(fleet.rows.map((row, i) => [row, i]));
    const at = (row: TenantRow) => position.get(row) ?? -1;
    const selected = fleet.rows.filter((_, i) => !options.onlyFailed || results[i]?.status !== "succeeded");
    const chosen = new Set(selected);
    for (const [i, row] of fleet.rows.entries()) {
      const result = results[i];
      if (chosen.has(row)) results[i] = notStarted(row, command);
      // Not run again: its connection details as its connection.json has them now.
      else if (result) results[i] = await recordedConnection(row, result, outDir);
    }
    return await runFleet(options, { outDir, concurrency, results, selected, at, startedAt: new Date().toISOString() }, emit);
  } finally {
    await lock?.release();
  }
}

interface FleetRun {
  outDir: string;
  concurrency: number;
  /** Every row's result, in file order; the selected rows' are filled in as they finish. */
  results: TenantResult[];
  selected: TenantRow[];
  at: (row: TenantRow) => number;
  startedAt: string;
}

async function runFleet(options: BulkOptions, run: FleetRun, emit: (event: BulkEvent) => void): Promise<BulkResult> {
  const { command, fleet } = options;
  const { outDir, concurrency, results, selected, at, startedAt } = run;
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
  const writer = command === "apply" ? new ReportWriter(outDir, snapshot, true) : undefined;
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

