/**
 * connection.json: the details the platform's form asks for, and the record that binds an --out
 * directory to ONE app in ONE tenant. It says which app entra-onboard manages there (proof a plain
 * user cannot forge: they cannot write the admin's --out) and what entra-onboard added to it
 * (certificates, consents, roles, tags), so remove can take back exactly that. A key in --out is
 * uploaded only when this record lists it for this tenant. The file is untrusted input all the same:
 * every field is checked, ids must be GUIDs before they go anywhere near a request path.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "../shared/errors.js";
import { isGuid } from "../shared/text.js";
import { CONNECTION_FILE } from "./local-state.js";
import type { HeldCertificate, ManagedRecord, ObserveHints, PermissionKey, RecordedOnboarding } from "./types.js";

export interface CertificateDetails {
  thumbprint: string;
  cerPath?: string | undefined;
  pemPath?: string | undefined;
  keyPath?: string | undefined;
  notAfter?: string | undefined;
}

/** connection.json as a finished apply writes it (format 2). */
export interface ConnectionFile {
  formatVersion: 2;
  tenantId: string;
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

export const emptyManaged = (): ManagedRecord => ({ certificates: [], permissions: [], roles: [], listedPermissions: [], tags: [] });

const THUMBPRINT = /^[0-9A-F]{40}$/i;

/** Reads and checks connection.json; undefined when there is none. An unreadable one is an input error. */
export async function readConnectionRecord(outDir: string): Promise<ConnectionRecord | undefined> {
  const path = join(outDir, CONNECTION_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new InputError(`Cannot read ${path}: ${code ?? String(error)}; fix its permissions or choose another --out.`);
  }
  try {
    return parseConnectionRecord(JSON.parse(text));
  } catch (error) {
    throw new InputError(`${path} is not a connection.json entra-onboard can use (${(error as Error).message}); move it away or choose another --out.`);
  }
}

function field<T>(o: Record<string, unknown>, key: string, ok: (v: unknown) => v is T, what: string): T | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!ok(v)) throw new Error(`${key} is not ${what}`);
  return v;
}
const isString = (v: unknown): v is string => typeof v === "string";
const isGuidString = (v: unknown): v is string => typeof v === "string" && isGuid(v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function list<T>(o: Record<string, unknown>, key: string, item: (v: unknown) => T): T[] {
  const v = o[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new Error(`managed.${key} is not a list`);
  return v.map(item);
}

function permissionKey(v: unknown): PermissionKey {
  if (!isObject(v) || !isGuidString(v["resourceAppId"]) || !isGuidString(v["appRoleId"])) throw new Error("a managed permission is not { resourceAppId, appRoleId }");
  return { resourceAppId: v["resourceAppId"].toLowerCase(), appRoleId: v["appRoleId"].toLowerCase() };
}

function thumbprint(v: unknown): string {
  if (!isString(v) || !THUMBPRINT.test(v)) throw new Error("a managed certificate is not a SHA-1 thumbprint");
  return v.toUpperCase();
}

/** Format 2, or format 1 (earlier versions: no managed record; its certificate is the one it held). */
export function parseConnectionRecord(value: unknown): ConnectionRecord {
  if (!isObject(value)) throw new Error("not a JSON object");
  if (value["formatVersion"] !== 1 && value["formatVersion"] !== 2) throw new Error(`unknown formatVersion ${String(value["formatVersion"])}`);
  const tenantId = field(value, "tenantId", isGuidString, "a tenant id GUID");
  const uniqueName = field(value, "uniqueName", isString, "a string");
  if (tenantId === undefined || uniqueName === undefined) throw new Error("tenantId or uniqueName is missing");
  const certificate = field(value, "certificate", isObject, "an object");
  const certificateThumbprint = certificate === undefined ? undefined : thumbprint(certificate["thumbprint"]);
  const managedValue = field(value, "managed", isObject, "an object") ?? {};
  const managed: ManagedRecord = {
    certificates: list(managedValue, "certificates", thumbprint),
    permissions: list(managedValue, "permissions", permissionKey),
    roles: list(managedValue, "roles", (v) => {
      if (!isGuidString(v)) throw new Error("a managed role is not a GUID");
      return v.toLowerCase();
    }),
    listedPermissions: list(managedValue, "listedPermissions", permissionKey),
    tags: list(managedValue, "tags", (v) => {
      if (!isString(v)) throw new Error("a managed tag is not a string");
      return v;
    }),
  };
  if (value["formatVersion"] === 1 && certificateThumbprint) managed.certificates.push(certificateThumbprint);
  return {
    formatVersion: 2,
    tenantId: tenantId.toLowerCase(),
    uniqueName,
    managed,
    appId: field(value, "appId", isGuidString, "an application id GUID")?.toLowerCase(),
    applicationObjectId: field(value, "applicationObjectId", isGuidString, "an object id GUID")?.toLowerCase(),
    servicePrincipalId: field(value, "servicePrincipalId", isGuidString, "an object id GUID")?.toLowerCase(),
    displayName: field(value, "displayName", isString, "a string"),
    friendlyName: field(value, "friendlyName", isString, "a string"),
    organization: field(value, "organization", isString, "a string"),
    certificate: certificate === undefined || certificateThumbprint === undefined ? null : { ...(certificate as Partial<CertificateDetails>), thumbprint: certificateThumbprint },
  };
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
export function checkRecordBinding(record: ConnectionRecord | undefined, held: HeldCertificate | undefined, where: { outDir: string; tenantId: string }): void {
  const { outDir, tenantId } = where;
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

/** The record's facts for observe and plan. */
export function recordedOnboarding(record: ConnectionRecord | undefined): RecordedOnboarding | undefined {
  return record ? { appId: record.appId, uniqueName: record.uniqueName, displayName: record.displayName, ...record.managed } : undefined;
}

/** Ids from the last run that let observe skip round trips (a stale one costs a 404, nothing more). */
export function hintsFrom(record: ConnectionRecord | undefined): ObserveHints {
  return record ? { appId: record.appId, appObjectId: record.applicationObjectId, servicePrincipalId: record.servicePrincipalId } : {};
}
