/**
 * The tenants file: CSV with a header row, or YAML (a list of mappings), one customer tenant per row.
 * Keys: `tenant` (id or domain, required); optional `friendlyName`, `profile`, `name` (app name),
 * `certificate` (a .cer/.pem for that tenant). Relative paths are relative to the file.
 *
 * The whole file is checked before anyone signs in, with the same checks a single run makes
 * (desiredState: name, profile, certificate file): every bad row is reported with its line and
 * reason, and nothing runs. A tenant named twice is a bad row.
 */
import { dirname, extname, resolve } from "node:path";
import { desiredState, type OnboardOptions } from "../core/desired.js";
import { isProfilePath } from "../core/profiles.js";
import type { DesiredState } from "../core/types.js";
import { readBoundedFile } from "../shared/bounded-read.js";
import { AppError, InputError } from "../shared/errors.js";
import { printable, unsafeCharacter } from "../shared/input-text.js";
import { didYouMean, isGuid } from "../shared/text.js";
import { csvLine, parseCsv } from "./csv.js";

/** Beyond these a file is a mistake (or an attack), not a fleet: 10,000 tenants fit in well under 4 MiB. */
export const MAX_TENANTS_FILE_BYTES = 4 * 1024 * 1024;
export const MAX_TENANTS = 10_000;
const MAX_FRIENDLY_NAME = 256;

export const TENANT_KEYS = ["tenant", "friendlyName", "profile", "name", "certificate"] as const;
type TenantKey = (typeof TENANT_KEYS)[number];

export interface TenantRow {
  /** 1-based line of the row in the file (0 for tenants not read from a file). */
  line: number;
  /** The tenant as written: id or domain. */
  tenant: string;
  friendlyName?: string | undefined;
  /** The row's own columns, as written (empty ones left out). */
  profile?: string | undefined;
  name?: string | undefined;
  certificate?: string | undefined;
  /** What this tenant should end up with: the row's columns over the command line's defaults. */
  desired: DesiredState;
}

export interface Fleet {
  /** The tenants file, or a description of where the tenants came from. */
  source: string;
  rows: TenantRow[];
}

/**
 * Defaults for every row (the command line's --name, --profile, key size, …). `allowPrivileged`
 * (--allow-privileged) is the fleet's: without it, a row whose profile grants more than read access
 * is a bad row, like any other, before anyone signs in.
 */
export type FleetDefaults = Pick<OnboardOptions, "name" | "profile" | "keySize" | "validityDays" | "adopt" | "addCertificate" | "allowPrivileged" | "rename" | "prune">;

interface RawRow {
  line: number;
  values: Partial<Record<TenantKey, string>>;
  problems: string[];
}

/** Reads and checks a tenants file. Throws one InputError listing every bad row; reads each profile and certificate once. */
export async function readTenantsFile(path: string, defaults: FleetDefaults, now: Date): Promise<Fleet> {
  // Bounded, and a regular file only: a FIFO or /dev/zero named as the file must not hang or fill memory.
  const read = await readBoundedFile(path, MAX_TENANTS_FILE_BYTES);
  if (!read.ok && read.code === "too-large") throw new InputError(`Tenants file ${path} is too large; the limit is ${MAX_TENANTS_FILE_BYTES} bytes (${MAX_TENANTS} tenants fit well within it). Split the file.`);
  if (!read.ok) throw new InputError(`Cannot read tenants file ${path}: ${read.reason}. Check the path.`);
  const text = read.bytes.toString("utf8");
  const yaml = /^\.ya?ml$/i.test(extname(path));
  const raw = yaml ? await yamlRows(text, path) : csvRows(text, path);
  if (raw.length === 0) throw new InputError(`Tenants file ${path} lists no tenants; add one row per tenant (column 'tenant': id or domain).`);
  if (raw.length > MAX_TENANTS) throw new InputError(`Tenants file ${path} lists ${raw.length} tenants; the limit is ${MAX_TENANTS}. Split the file.`);
  return { source: path, rows: await checkRows(raw, dirname(resolve(path)), defaults, now, path) };
}

/** A fleet from a list of tenants (the sandbox's customers when no file is given). */
export async function fleetFromTenants(source: string, tenants: readonly { tenant: string; friendlyName?: string }[], defaults: FleetDefaults, now: Date): Promise<Fleet> {
  const raw = tenants.map((t) => ({ line: 0, values: { tenant: t.tenant, ...(t.friendlyName ? { friendlyName: t.friendlyName } : {}) }, problems: [] }));
  return { source, rows: await checkRows(raw, process.cwd(), defaults, now, source) };
}

/** "Friendly Name", "friendly_name", "friendlyname" → friendlyName; "Tenant ID" → tenant. */
function columnKey(header: string): TenantKey | undefined {
  const squashed = header.trim().toLowerCase().replace(/[\s_-]+/g, "");
  if (squashed === "tenantid") return "tenant";
  return TENANT_KEYS.find((k) => k.toLowerCase() === squashed);
}

function unknownColumn(header: string): string {
  return `unknown column '${printable(header)}' (columns: ${TENANT_KEYS.join(", ")})${didYouMean(header, [...TENANT_KEYS]).replace(/\.$/, "")}`;
}

function csvRows(text: string, path: string): RawRow[] {
  const [header, ...records] = parseCsv(text);
  if (!header) return [];
  const keys = header.fields.map((h) => columnKey(h));
  const problems = header.fields.flatMap((h, i) => (keys[i] === undefined ? [unknownColumn(h)] : keys.indexOf(keys[i]) !== i ? [`column '${h}' appears twice`] : []));
  if (!keys.includes("tenant")) problems.push("no 'tenant' column");
  if (problems.length > 0) throw new InputError(`Tenants file ${path}, line ${header.line} (the header row): ${problems.join("; ")}.`);
  return records.map((record) => {
    const row: RawRow = { line: record.line, values: {}, problems: [] };
    if (record.fields.length > keys.length) row.problems.push(`${record.fields.length} fields but the header has ${keys.length} columns (quote a value that holds a comma)`);
    keys.forEach((key, i) => {
      const value = record.fields[i]?.trim();
      if (key && value) row.values[key] = value;
    });
    return row;
  });
}

async function yamlRows(text: string, path: string): Promise<RawRow[]> {
  const { LineCounter, isMap, isScalar, isSeq, parseDocument } = await import("yaml");
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) throw new InputError(`Tenants file ${path} is not valid YAML (line ${error.linePos?.[0].line ?? "?"}): ${error.message.split("\n")[0]}`);
  if (doc.contents === null) return [];
  if (!isSeq(doc.contents)) throw new InputError(`Tenants file ${path} must be a YAML list of tenants, e.g. '- tenant: contoso.onmicrosoft.com'.`);
  return doc.contents.items.map((item) => {
    const line = lines.linePos((item as { range?: [number, number, number] }).range?.[0] ?? 0).line;
    const row: RawRow = { line, values: {}, problems: [] };
    if (!isMap(item)) {
      row.problems.push("each entry must be a mapping such as 'tenant: contoso.onmicrosoft.com'");
      return row;
    }
    for (const pair of item.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const key = columnKey(name);
      if (!key) {
        row.problems.push(unknownColumn(name).replace("column", "key"));
        continue;
      }
      const value = isScalar(pair.value) ? pair.value.value : pair.value;
      if (value === null || value === undefined || value === "") continue;
      if (typeof value !== "string") row.problems.push(`'${printable(name)}' must be text`);
      else if (value.trim()) row.values[key] = value.trim();
    }
    return row;
  });
}

async function checkRows(raw: RawRow[], baseDir: string, defaults: FleetDefaults, now: Date, source: string): Promise<TenantRow[]> {
  // The command line's own values are checked once, not once per row.
  await desiredState(defaults, now);
  const desiredCache = new Map<string, Promise<DesiredState>>();
  const seen = new Map<string, number>();
  const rows: TenantRow[] = [];
  const bad: string[] = [];
  for (const r of raw) {
    const problems = [...r.problems];
    // Control characters are refused everywhere (a newline and ANSI escapes in a name forge output lines).
    for (const [key, value] of Object.entries(r.values)) {
      const unsafe = unsafeCharacter(value);
      if (unsafe) problems.push(`'${key}' contains a control character (${unsafe}); use printable text`);
    }
    if (problems.length > r.problems.length) {
      bad.push(`${r.line > 0 ? `line ${r.line}` : printable(r.values.tenant ?? "?")}: ${problems.join("; ")}`);
      continue;
    }
    const { tenant, friendlyName, profile, name, certificate } = r.values;
    if (!tenant) problems.push("'tenant' is empty (a tenant id or domain such as contoso.onmicrosoft.com)");
    else if (!isGuid(tenant) && !isDomain(tenant)) problems.push(`tenant '${tenant}' is neither a tenant id (GUID) nor a domain name`);
    else if (seen.has(tenant.toLowerCase())) problems.push(`tenant '${tenant}' is already on line ${seen.get(tenant.toLowerCase())}`);
    else seen.set(tenant.toLowerCase(), r.line);
    if (friendlyName !== undefined && friendlyName.length > MAX_FRIENDLY_NAME) problems.push(`friendlyName must be at most ${MAX_FRIENDLY_NAME} characters`);
    const options: OnboardOptions = {
      ...defaults,
      ...(name !== undefined ? { name } : {}),
      ...(profile !== undefined ? { profile: isProfilePath(profile) ? resolve(baseDir, profile) : profile } : {}),
      ...(certificate !== undefined ? { certificate: resolve(baseDir, certificate) } : {}),
    };
    let desired: DesiredState | undefined;
    try {
      const key = JSON.stringify([options.name, options.profile, options.certificate]);
      const pending = desiredCache.get(key) ?? desiredState(options, now);
      desiredCache.set(key, pending);
      desired = await pending;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      problems.push(error.message.replace(/\.$/, "").replace(/--name/g, "name").replace(/--profile <file\.yaml\|file\.json>/g, "a profile file"));
    }
    if (problems.length > 0 || !desired || !tenant) {
      bad.push(`${r.line > 0 ? `line ${r.line}` : (tenant ?? "?")}: ${problems.join("; ")}`);
      continue;
    }
    rows.push({ line: r.line, tenant, friendlyName, profile, name, certificate, desired });
  }
  if (bad.length > 0) {
    throw new InputError(`Tenants file ${source} has ${bad.length} bad ${bad.length === 1 ? "row" : "rows"} (nothing was done; fix them and run again): ${bad.join(" | ")}`);
  }
  return rows;
}

/** A DNS name with at least two labels (contoso.onmicrosoft.com, contoso.com). */
function isDomain(value: string): boolean {
  return value.length <= 253 && /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i.test(value);
}

/** A tenants file (CSV) for these tenants, e.g. the sandbox's customers. */
export function formatTenantsFile(tenants: readonly { tenant: string; friendlyName?: string }[]): string {
  return [csvLine(["tenant", "friendlyName"]), ...tenants.map((t) => csvLine([t.tenant, t.friendlyName ?? ""]))].join("");
}
