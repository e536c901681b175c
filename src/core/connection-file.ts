/**
 * connection.json's shape, and the one parser every reader goes through. The file sits on disk
 * between runs where anything may have changed it, and its ids go into Graph request paths and
 * filters (`/servicePrincipals/{id}/…`, `appId eq '…'`): a value that is not what this tool wrote
 * is refused (exit 2, naming the field), never sent. Fields the parser does not know are kept as
 * they are, so a newer field passes through until it gets a check of its own here.
 */
import { join } from "node:path";
import { readBoundedFile, READ_CAPS } from "../shared/bounded-read.js";
import { InputError } from "../shared/errors.js";
import { unsafeCharacter } from "../shared/input-text.js";
import { isGuid } from "../shared/text.js";

export const CONNECTION_FILE = "connection.json";

export interface ConnectionFile {
  formatVersion: 1;
  uniqueName: string;
  friendlyName: string;
  tenantId: string;
  appId: string;
  organization: string;
  applicationObjectId: string;
  servicePrincipalId: string | undefined;
  certificate: { thumbprint: string; cerPath?: string | undefined; pemPath?: string | undefined; keyPath?: string | undefined; notAfter?: string | undefined } | null;
}

export type ParsedConnectionFile = { ok: true; value: ConnectionFile } | { ok: false; problem: string };

type Check = (value: unknown) => string | undefined;

const text: Check = (v) => (typeof v !== "string" ? "is not a string" : unsafeCharacter(v) ? `contains a control character (${unsafeCharacter(v)})` : undefined);
const guid: Check = (v) => (typeof v === "string" && isGuid(v) ? undefined : "is not a GUID");
const optional = (check: Check): Check => (v) => (v === undefined || v === null ? undefined : check(v));
const thumbprint: Check = (v) => (typeof v === "string" && /^[0-9A-F]{40}$/i.test(v) ? undefined : "is not a SHA-1 thumbprint (40 hex digits)");

const FIELDS: Record<string, Check> = {
  uniqueName: text,
  friendlyName: optional(text),
  tenantId: guid,
  appId: guid,
  organization: optional(text),
  applicationObjectId: guid,
  servicePrincipalId: optional(guid),
};

const CERTIFICATE_FIELDS: Record<string, Check> = {
  thumbprint,
  cerPath: optional(text),
  pemPath: optional(text),
  keyPath: optional(text),
  notAfter: optional(text),
};

/** connection.json's text → the file, or the first thing wrong with it (for "… in <path>: <problem>"). */
export function parseConnectionFile(source: string): ParsedConnectionFile {
  let raw: unknown;
  try {
    raw = JSON.parse(source);
  } catch {
    return { ok: false, problem: "is not valid JSON" };
  }
  if (!isRecord(raw)) return { ok: false, problem: "is not a JSON object" };
  if (raw.formatVersion !== 1) return { ok: false, problem: "has no formatVersion 1" };
  const problem = firstProblem(raw, FIELDS, "") ?? certificateProblem(raw.certificate);
  return problem ? { ok: false, problem } : { ok: true, value: raw as unknown as ConnectionFile };
}

function certificateProblem(certificate: unknown): string | undefined {
  if (certificate === null || certificate === undefined) return undefined;
  if (!isRecord(certificate)) return "has a 'certificate' that is not an object";
  return firstProblem(certificate, CERTIFICATE_FIELDS, "certificate.");
}

function firstProblem(record: Record<string, unknown>, fields: Record<string, Check>, prefix: string): string | undefined {
  for (const [name, check] of Object.entries(fields)) {
    const problem = check(record[name]);
    if (problem) return `has a '${prefix}${name}' that ${problem}`;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The connection.json in `dir`: undefined when there is none; an InputError (exit 2, before any
 * request) when it is unreadable, oversized, not a regular file, or not what this tool writes.
 */
export async function readConnectionFile(dir: string): Promise<ConnectionFile | undefined> {
  const path = join(dir, CONNECTION_FILE);
  const read = await readBoundedFile(path, READ_CAPS.connectionFile);
  if (!read.ok && read.code === "missing") return undefined;
  if (!read.ok) throw new InputError(`Cannot read ${path}: ${read.reason}; fix or delete it, or choose another --out directory.`);
  const parsed = parseConnectionFile(read.bytes.toString("utf8"));
  if (!parsed.ok) throw new InputError(`${path} ${parsed.problem}: it is not a connection.json this tool wrote; fix or delete it, or choose another --out directory.`);
  return parsed.value;
}
