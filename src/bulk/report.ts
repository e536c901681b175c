/**
 * bulk-report.json and connections.csv in --out, written as the run goes: after tenants finish (at
 * most once a second, so 1,000 tenants do not mean 1,000 rewrites of a growing file) and at the end.
 * Each write goes through the one atomic writer (shared/atomic-file.ts: an exclusive temporary file
 * with a random name, renamed over the old one), so a reader (or a `kill -9`) only ever sees a whole
 * file and a link planted next to it is never followed. Neither file holds a key or a token.
 *
 * The last report is read back for --only-failed: bounded, a regular file only, and checked field by
 * field before a tenant id from it becomes a path (`<out>/<tenant id>/`).
 */
import { mkdir } from "node:fs/promises";
import { isAbsolute, join, relative } from "node:path";
import { writeFileAtomic } from "../shared/atomic-file.js";
import { readBoundedFile } from "../shared/bounded-read.js";
import { InputError } from "../shared/errors.js";
import { unsafeCharacter } from "../shared/input-text.js";
import { isGuid } from "../shared/text.js";
import { csvLine } from "./csv.js";
import type { BulkCommand, BulkSummary, TenantResult, TenantStatus } from "./types.js";

export const REPORT_FILE = "bulk-report.json";
export const CONNECTIONS_FILE = "connections.csv";
export const BULK_SCHEMA = "entra-onboard/bulk/v1";

/** Column names of the platform's "Link a new Microsoft Account" form, in its order. */
export const CONNECTION_COLUMNS = ["Friendly name", "Tenant ID", "Application ID", "Organisation name", "Certificate file", "Thumbprint"] as const;

const MIN_INTERVAL_MS = 1_000;

/** A report of 10,000 tenants is a few megabytes; anything far beyond is not one bulk wrote. */
export const MAX_REPORT_BYTES = 64 * 1024 * 1024;

const STATUSES: readonly TenantStatus[] = ["succeeded", "failed", "interrupted", "not-started"];

export interface BulkReport {
  schema: typeof BULK_SCHEMA;
  command: BulkCommand;
  simulated: boolean;
  /** The tenants file (or where the tenants came from). */
  source: string;
  outDir: string;
  startedAt: string;
  updatedAt: string;
  /** False while the run is going (or if it was killed). */
  finished: boolean;
  interrupted: boolean;
  summary: BulkSummary;
  tenants: TenantResult[];
}

export function summarize(tenants: readonly TenantResult[]): BulkSummary {
  const count = (status: TenantResult["status"]) => tenants.filter((t) => t.status === status).length;
  return {
    total: tenants.length,
    succeeded: count("succeeded"),
    failed: count("failed"),
    interrupted: count("interrupted"),
    notStarted: count("not-started"),
    changed: tenants.filter((t) => t.status === "succeeded" && (t.changed === true || t.inSync === false)).length,
  };
}

/** The previous run's report in `outDir`, if there is one; an InputError when it is not one bulk wrote. */
export async function readReport(outDir: string): Promise<BulkReport | undefined> {
  const path = join(outDir, REPORT_FILE);
  const read = await readBoundedFile(path, MAX_REPORT_BYTES);
  if (!read.ok && read.code === "missing") return undefined;
  if (!read.ok) throw new InputError(`Cannot read ${path}: ${read.reason}; move it away or choose another --out.`);
  let report: unknown;
  try {
    report = JSON.parse(read.bytes.toString("utf8"));
  } catch {
    report = undefined;
  }
  const problem = reportProblem(report);
  if (problem) throw new InputError(`${path} is not a report entra-onboard bulk wrote (${problem}); move it away or choose another --out.`);
  return report as BulkReport;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** What is wrong with a parsed report, in the fields a re-run uses (tenant, id, status, connection). */
function reportProblem(report: unknown): string | undefined {
  if (!isObject(report) || report["schema"] !== BULK_SCHEMA || !Array.isArray(report["tenants"])) return `no schema ${BULK_SCHEMA} with a list of tenants`;
  for (const [i, t] of (report["tenants"] as unknown[]).entries()) {
    const at = `tenants[${i}]`;
    if (!isObject(t)) return `${at} is not an object`;
    if (typeof t["tenant"] !== "string" || unsafeCharacter(t["tenant"])) return `${at}.tenant is not printable text`;
    if (t["tenantId"] !== null && !(typeof t["tenantId"] === "string" && isGuid(t["tenantId"]))) return `${at}.tenantId is not a GUID`;
    if (!STATUSES.includes(t["status"] as TenantStatus)) return `${at}.status is not one of ${STATUSES.join(", ")}`;
    const c = t["connection"];
    if (c !== null && c !== undefined && !(isObject(c) && (c["organization"] === undefined || typeof c["organization"] === "string"))) return `${at}.connection is not an object`;
  }
  return undefined;
}

/** connections.csv: one row per tenant with connection details, ready to import. */
export function connectionsCsv(tenants: readonly TenantResult[], outDir: string): string {
  const rows = tenants.flatMap((t) => (t.connection ? [t.connection] : []));
  return [
    csvLine(CONNECTION_COLUMNS),
    ...rows.map((c) => csvLine([c.friendlyName, c.tenantId, c.appId, c.organization, c.certificateFile ? displayPath(c.certificateFile, outDir) : "", c.thumbprint ?? ""])),
  ].join("");
}

/** Inside --out: relative to it (the folder can be moved); elsewhere: absolute. */
function displayPath(file: string, outDir: string): string {
  const rel = relative(outDir, file);
  return rel.startsWith("..") || isAbsolute(rel) ? file : rel;
}

/** Writes the report (and, for apply, connections.csv) now and then while the run goes, and once at the end. */
export class ReportWriter {
  private dirty = false;
  private running: Promise<void> | undefined;
  private lastWrite = 0;
  private failure: unknown;

  constructor(
    private readonly outDir: string,
    private readonly snapshot: () => BulkReport,
    private readonly withConnections: boolean,
  ) {}

  /** Something changed: write soon (coalesced). */
  touch(): void {
    this.dirty = true;
    this.running ??= this.loop().finally(() => (this.running = undefined));
  }

  /** Writes the final state and reports a write failure, if any happened. */
  async close(): Promise<void> {
    while (this.running) await this.running;
    await this.write();
    if (this.failure) throw this.failure;
  }

  private async loop(): Promise<void> {
    while (this.dirty) {
      const wait = this.lastWrite + MIN_INTERVAL_MS - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.dirty = false;
      await this.write().catch((error: unknown) => (this.failure ??= error));
    }
  }

  private async write(): Promise<void> {
    this.lastWrite = Date.now();
    const report = this.snapshot();
    await mkdir(this.outDir, { recursive: true, mode: 0o700 });
    await atomicWrite(join(this.outDir, REPORT_FILE), `${JSON.stringify(report, null, 2)}\n`);
    if (this.withConnections) await atomicWrite(join(this.outDir, CONNECTIONS_FILE), connectionsCsv(report.tenants, this.outDir));
  }
}

async function atomicWrite(path: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(path, text, { mode: 0o644 });
  } catch (error) {
    throw new InputError(`Cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}; choose a writable --out directory.`, { cause: error });
  }
}
