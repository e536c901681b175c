/**
 * bulk-report.json and connections.csv in --out, written as the run goes: after tenants finish (at
 * most once a second, so 1,000 tenants do not mean 1,000 rewrites of a growing file) and at the end. Each write goes to a temporary file that is renamed over the old one, so a reader (or a
 * `kill -9`) only ever sees a whole file. Neither file holds a key or a token.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { isAbsolute, join, relative } from "node:path";
import { InputError } from "../shared/errors.js";
import { csvLine } from "./csv.js";
import type { BulkCommand, BulkSummary, TenantResult } from "./types.js";

export const REPORT_FILE = "bulk-report.json";
export const CONNECTIONS_FILE = "connections.csv";
export const BULK_SCHEMA = "entra-onboard/bulk/v1";

/** Column names of the platform's "Link a new Microsoft Account" form, in its order. */
export const CONNECTION_COLUMNS = ["Friendly name", "Tenant ID", "Application ID", "Organisation name", "Certificate file", "Thumbprint"] as const;

const MIN_INTERVAL_MS = 1_000;

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

/** The previous run's report in `outDir`, if there is a readable one. */
export async function readReport(outDir: string): Promise<BulkReport | undefined> {
  const path = join(outDir, REPORT_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return undefined;
  }
  try {
    const report = JSON.parse(text) as Partial<BulkReport>;
    if (report.schema !== BULK_SCHEMA || !Array.isArray(report.tenants)) throw new Error("not a bulk report");
    return report as BulkReport;
  } catch {
    throw new InputError(`${path} is not a report entra-onboard bulk wrote; move it away or choose another --out.`);
  }
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
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temp, text, { mode: 0o644 });
    await rename(temp, path);
  } catch (error) {
    throw new InputError(`Cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}; choose a writable --out directory.`, { cause: error });
  }
}
