/**
 * connection.json: the details the platform's form asks for, and the record that binds an --out
 * directory to ONE app in ONE tenant. It says which app entra-onboard manages there (proof a plain
 * user cannot forge: they cannot write the admin's --out) and what entra-onboard added to it
 * (certificates, consents, roles, tags), so remove can take back exactly that. A key in --out is
 * uploaded only when this record lists it for this tenant.
 *
 * This is the one reader. The file sits on disk between runs where anything may have changed it,
 * and its ids go into Graph request paths and filters (`/servicePrincipals/{id}/…`, `appId eq '…'`),
 * so it is untrusted input: read bounded and only as a regular file, every field checked (ids are
 * GUIDs, text has no control characters), and anything else refused with exit 2 naming the field,
 * before a single request. Fields it does not know are ignored, not carried into the next write.
 */
import { join } from "node:path";
import { readBoundedFile, READ_CAPS } from "../shared/bounded-read.js";
import { InputError } from "../shared/errors.js";
import { isCloudName, type CloudName } from "./clouds.js";
import { cloud, date, guid, isObject, list, object, optional, problem, source, text, thumbprint } from "./record-checks.js";
import type { HeldCertificate, ManagedCertificate, ManagedRecord, ObserveHints, PermissionKey, RecordedOnboarding } from "./types.js";

export const CONNECTION_FILE = "connection.json";

/** connection.json's `certificate`: the one the connection signs in with, and where its files are. */
export interface CertificateDetails {
  thumbprint: string;
  /** "generated" (the key is in --out) or "brought" (the platform, or whoever gave it, holds the key). */
  source?: "generated" | "brought" | undefined;
  cerPath?: string | undefined;
  pemPath?: string | undefined;
  keyPath?: string | undefined;
  /** The password-protected PKCS#12 copy of certificate and key (--pfx). */
  pfxPath?: string | undefined;
  notBefore?: string | undefined;
  notAfter?: string | undefined;
}

/** connection.json as a finished apply writes it (format 2). */
export interface ConnectionFile {
  formatVersion: 2;
  tenantId: string;
  /**
   * The Microsoft cloud the tenant lives in (clouds.ts): later commands on this --out sign in there
   * without --cloud. A file without it (written before the field existed) is read as global.
   */
  cloud: CloudName;
  appId: string;
  applicationObjectId: string;
  servicePrincipalId: string | undefined;
  /** The key derived from --name (unique-name.ts); the app's own uniqueName may be older. */
  uniqueName: string;
  displayName: string;
  friendlyName: string;
  organization: string;
  certificate: CertificateDetails | null;
  /** What entra-onboard added to the app; written as apply goes, before each write to the tenant. */
  managed: ManagedRecord;
}

type Always = "formatVersion" | "tenantId" | "uniqueName" | "managed";
/** connection.json as read, or while apply is under way: the app's fields appear once it exists. */
export type ConnectionRecord = Pick<ConnectionFile, Always> & Partial<Omit<ConnectionFile, Always>>;

export type ParsedConnectionRecord = { ok: true; record: ConnectionRecord } | { ok: false; problem: string };

export const emptyManaged = (): ManagedRecord => ({ certificates: [], certificateDetails: [], permissions: [], roles: [], listedPermissions: [], tags: [] });

const permission = object({ resourceAppId: guid, appRoleId: guid });
const managedCertificate = object({ thumbprint, source, notBefore: date, notAfter: date });

const FORMAT_2 = object({
  tenantId: guid,
  cloud: optional(cloud),
  uniqueName: text,
  appId: optional(guid),
  applicationObjectId: optional(guid),
  servicePrincipalId: optional(guid),
  displayName: optional(text),
  friendlyName: optional(text),
  organization: optional(text),
  certificate: optional(
    object({ thumbprint, source: optional(source), cerPath: optional(text), pemPath: optional(text), keyPath: optional(text), pfxPath: optional(text), notBefore: optional(date), notAfter: optional(text) }),
  ),
  managed: optional(
    object({ certificates: list(thumbprint), certificateDetails: list(managedCertificate), permissions: list(permission), roles: list(guid), listedPermissions: list(permission), tags: list(text) }),
  ),
});

/** Format 1 (earlier versions) was written only by a finished apply: the app's ids are always there. */
const FORMAT_1 = object({ appId: guid, applicationObjectId: guid });

/**
 * connection.json's text → the record (format 2; a format-1 file is read as one whose certificate
 * entra-onboard made), or the first thing wrong with it, for "<path> <problem>".
 */
export function parseConnectionRecord(source: string): ParsedConnectionRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(source);
  } catch {
    return { ok: false, problem: "is not valid JSON" };
  }
  if (!isObject(raw)) return { ok: false, problem: "is not a JSON object" };
  if (raw["formatVersion"] !== 1 && raw["formatVersion"] !== 2) return { ok: false, problem: problem("formatVersion", "is not 1 or 2 (a version of entra-onboard that wrote it is newer, or it is not this tool's)") };
  const found = FORMAT_2(raw, "") ?? (raw["formatVersion"] === 1 ? FORMAT_1(raw, "") : undefined);
  return found ? { ok: false, problem: found } : { ok: true, record: toRecord(raw) };
}

/** The checked value as the model: GUIDs lower case, thumbprints upper case, unknown fields dropped. */
function toRecord(raw: Record<string, unknown>): ConnectionRecord {
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  const id = (v: unknown) => str(v)?.toLowerCase();
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  const keys = (v: unknown): PermissionKey[] =>
    (Array.isArray(v) ? v.filter(isObject) : []).map((p) => ({ resourceAppId: id(p["resourceAppId"]) ?? "", appRoleId: id(p["appRoleId"]) ?? "" }));
  const managedRaw = isObject(raw["managed"]) ? raw["managed"] : {};
  const details = (v: unknown): ManagedCertificate[] =>
    (Array.isArray(v) ? v.filter(isObject) : []).map((c) => ({
      thumbprint: (str(c["thumbprint"]) ?? "").toUpperCase(),
      source: c["source"] === "generated" ? "generated" : "brought",
      notBefore: str(c["notBefore"]) ?? "",
      notAfter: str(c["notAfter"]) ?? "",
    }));
  const managed: ManagedRecord = {
    certificates: strings(managedRaw["certificates"]).map((t) => t.toUpperCase()),
    certificateDetails: details(managedRaw["certificateDetails"]),
    permissions: keys(managedRaw["permissions"]),
    roles: strings(managedRaw["roles"]).map((r) => r.toLowerCase()),
    listedPermissions: keys(managedRaw["listedPermissions"]),
    tags: strings(managedRaw["tags"]),
  };
  const cert = isObject(raw["certificate"]) ? raw["certificate"] : undefined;
  const certificate: CertificateDetails | null = cert
    ? {
        thumbprint: (str(cert["thumbprint"]) ?? "").toUpperCase(),
        source: cert["source"] === "generated" || cert["source"] === "brought" ? cert["source"] : undefined,
        cerPath: str(cert["cerPath"]),
        pemPath: str(cert["pemPath"]),
        keyPath: str(cert["keyPath"]),
        pfxPath: str(cert["pfxPath"]),
        notBefore: str(cert["notBefore"]),
        notAfter: str(cert["notAfter"]),
      }
    : null;
  // Format 1 had no managed record: the certificate it held was the one entra-onboard made.
  if (raw["formatVersion"] === 1 && certificate && !managed.certificates.includes(certificate.thumbprint)) managed.certificates.push(certificate.thumbprint);
  return {
    formatVersion: 2,
    tenantId: id(raw["tenantId"]) ?? "",
    // Absent in files older than the field: undefined here, read as global where a cloud is chosen.
    cloud: typeof raw["cloud"] === "string" && isCloudName(raw["cloud"]) ? raw["cloud"] : undefined,
    uniqueName: str(raw["uniqueName"]) ?? "",
    managed,
    appId: id(raw["appId"]),
    applicationObjectId: id(raw["applicationObjectId"]),
    servicePrincipalId: id(raw["servicePrincipalId"]),
    displayName: str(raw["displayName"]),
    friendlyName: str(raw["friendlyName"]),
    organization: str(raw["organization"]),
    certificate,
  };
}

/**
 * The connection.json in `outDir`: undefined when there is none; an InputError (exit 2, before any
 * request) when it is unreadable, oversized, not a regular file, or not what this tool writes.
 */
export async function readConnectionRecord(outDir: string): Promise<ConnectionRecord | undefined> {
  const path = join(outDir, CONNECTION_FILE);
  const read = await readBoundedFile(path, READ_CAPS.connectionFile);
  if (!read.ok && read.code === "missing") return undefined;
  if (!read.ok) throw new InputError(`Cannot read ${path}: ${read.reason}; fix or delete it, or choose another --out directory.`);
  const parsed = parseConnectionRecord(read.bytes.toString("utf8"));
  if (!parsed.ok) throw new InputError(`${path} ${parsed.problem}: it is not a connection.json this tool wrote; fix or delete it, or choose another --out directory.`);
  return parsed.record;
}

/** Whether the record lists this certificate as one entra-onboard made or attached. */
export function recordsCertificate(record: ConnectionRecord, thumbprint: string): boolean {
  return record.managed.certificates.some((t) => t.toUpperCase() === thumbprint.toUpperCase());
}

const describeApp = (record: ConnectionRecord) =>
  record.appId ? `app ${record.appId}${record.displayName ? ` ('${record.displayName}')` : ""}` : `app '${record.displayName ?? record.uniqueName}'`;

/**
 * The checks that need no tenant read, before anything is written: --out holds the record of THIS
 * tenant, and a key in --out is one entra-onboard made for it. (That it is THIS app is checked at
 * plan time, when the recorded app has been read: plan-identity.ts.) A planted key is refused
 * rather than ignored: the generated replacement would overwrite files entra-onboard did not write.
 */
export function checkRecordBinding(record: ConnectionRecord | undefined, held: HeldCertificate | undefined, where: { outDir: string; tenantId: string; cloud: CloudName }): void {
  const { outDir, tenantId } = where;
  // The CLI already chose the recorded cloud before sign-in (cli/endpoint.ts); this catches the
  // library, bulk's per-tenant directories and the default --out, known only after sign-in.
  if (record?.cloud !== undefined && record.cloud !== where.cloud) throw new InputError(cloudMismatch(outDir, record.cloud, `this run is in the ${where.cloud} cloud`));
  if (record && record.tenantId !== tenantId.toLowerCase()) {
    throw new InputError(
      `--out ${outDir} holds the ${held ? "key" : "connection"} of ${describeApp(record)} in tenant ${record.tenantId}, not of tenant ${tenantId}; use a separate --out per tenant (the default is ./entra-onboard-out/<tenant id>).`,
    );
  }
  if (held && !(record && recordsCertificate(record, held.thumbprint))) {
    throw new InputError(
      `--out ${outDir} holds a certificate and private key (thumbprint ${held.thumbprint}) that no connection.json there records as made by entra-onboard for this app in tenant ${tenantId}; entra-onboard uploads only keys it generated itself. Move those files away or choose another --out; to attach a certificate of your own, pass --certificate <file>.`,
    );
  }
}

/**
 * "--out X records the usgov cloud …, but <what>": one line saying how to proceed. A tenant lives in
 * one cloud, and the tokens of one cloud are not accepted in another ("Microsoft Graph national
 * cloud deployments", Microsoft Learn), so a run in another cloud could only fail or, worse, find a
 * different tenant.
 */
export function cloudMismatch(outDir: string, recorded: CloudName, but: string, fix = `run it with --cloud ${recorded}`): string {
  return `--out ${outDir} holds a connection in the ${recorded} cloud (its ${CONNECTION_FILE} records it), but ${but}: ${fix}; a tenant of another cloud needs its own --out. Nothing was changed.`;
}

/** The record's facts for observe and plan. */
export function recordedOnboarding(record: ConnectionRecord | undefined): RecordedOnboarding | undefined {
  return record
    ? { appId: record.appId, uniqueName: record.uniqueName, displayName: record.displayName, currentCertificate: record.certificate?.thumbprint, ...record.managed }
    : undefined;
}

/** Ids from the last run that let observe skip round trips (a stale one costs a 404, nothing more). */
export function hintsFrom(record: ConnectionRecord | undefined): ObserveHints {
  return record ? { appId: record.appId, appObjectId: record.applicationObjectId, servicePrincipalId: record.servicePrincipalId } : {};
}
