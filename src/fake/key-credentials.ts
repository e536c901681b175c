/**
 * keyCredentials semantics of PATCH/POST /applications (Graph API reference: "keyCredential resource
 * type", "Update application"; Microsoft Learn: "Add a certificate to an app using Microsoft
 * Graph"): the body's list replaces the stored one; entries whose keyId already exists are kept when
 * echoed (typically with `key: null`) and must not change; new entries are validated against their
 * certificate. A credential may carry the certificate's own dates, however long; only the tenant's
 * app management policy (app-management-policy.ts) caps a lifetime.
 */
import { randomUUID, X509Certificate } from "node:crypto";
import { badRequest, FakeHttpError } from "./http.js";
import type { KeyCredentialJson } from "./model.js";
import { isoDate, isRecord } from "./model.js";

const USAGE_MESSAGE = 'The value for the property "usage" in one of your credentials is invalid. Acceptable values are Sign, Verify.';

function invalidEndDate(): FakeHttpError {
  return badRequest("Key credential end date is invalid.", "KeyCredentialsInvalidEndDate");
}

/** [unverified] code and text: Graph's answer for a start before the certificate's notBefore was not found. */
function invalidStartDate(): FakeHttpError {
  return badRequest("Key credential start date is invalid.", "KeyCredentialsInvalidStartDate");
}

function invalidProperty(property: string): FakeHttpError {
  return badRequest(`Invalid value specified for property '${property}' of resource 'KeyCredential'.`);
}

/** Certificate bytes (DER) from the stored base64, which may encode DER or PEM text. */
export function certificateDer(base64Key: string): Buffer | undefined {
  const bytes = Buffer.from(base64Key, "base64");
  try {
    return Buffer.from(new X509Certificate(bytes).raw);
  } catch {
    return undefined;
  }
}

function parseDate(value: unknown, property: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === "string" ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw invalidProperty(property);
  return ms;
}

function addOneYear(ms: number): number {
  const d = new Date(ms);
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  return d.getTime();
}

/** Checks a new credential's window against tenant policy (start and end in ms); throws Graph's 400. */
export type LifetimeCheck = (startMs: number, endMs: number) => void;

function validateNew(entry: Record<string, unknown>, checkLifetime: LifetimeCheck): KeyCredentialJson {
  const type = entry["type"];
  if (type !== "AsymmetricX509Cert") throw invalidProperty("type");
  if (entry["usage"] !== "Verify") throw badRequest(USAGE_MESSAGE);
  const key = entry["key"];
  if (typeof key !== "string" || key === "") throw invalidProperty("key");
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.from(key, "base64"));
  } catch {
    throw invalidProperty("key");
  }
  const notBefore = Date.parse(cert.validFrom);
  const notAfter = Date.parse(cert.validTo);
  const start = parseDate(entry["startDateTime"], "startDateTime") ?? notBefore;
  // Without an end, "the system automatically assigns a date one year after the startDateTime"
  // (Microsoft Learn: "Add a certificate to an app using Microsoft Graph"), within the certificate.
  const end = parseDate(entry["endDateTime"], "endDateTime") ?? Math.min(addOneYear(start), notAfter);
  if (start < notBefore) throw invalidStartDate();
  if (end <= start || end > notAfter) throw invalidEndDate();
  checkLifetime(start, end);
  const keyId = entry["keyId"];
  if (keyId !== undefined && keyId !== null && typeof keyId !== "string") throw invalidProperty("keyId");
  const customKeyIdentifier = entry["customKeyIdentifier"];
  return {
    customKeyIdentifier: typeof customKeyIdentifier === "string" ? customKeyIdentifier : cert.fingerprint.replace(/:/g, "").toUpperCase(),
    displayName: typeof entry["displayName"] === "string" ? entry["displayName"] : cert.subject.split("\n").join(", "),
    endDateTime: isoDate(end),
    key,
    keyId: typeof keyId === "string" ? keyId : randomUUID(),
    startDateTime: isoDate(start),
    type,
    usage: "Verify",
  };
}

function sameValue(sent: unknown, stored: unknown, isDate: boolean): boolean {
  if (sent === undefined) return true;
  if (isDate && typeof sent === "string" && typeof stored === "string") return Date.parse(sent) === Date.parse(stored);
  return sent === stored;
}

/** An echoed existing entry: kept as stored, but any changed property is refused. */
function validateExisting(entry: Record<string, unknown>, stored: KeyCredentialJson): KeyCredentialJson {
  const unchanged =
    (entry["key"] === null || entry["key"] === undefined || entry["key"] === stored.key) &&
    sameValue(entry["type"], stored.type, false) &&
    sameValue(entry["usage"], stored.usage, false) &&
    sameValue(entry["displayName"], stored.displayName, false) &&
    sameValue(entry["customKeyIdentifier"], stored.customKeyIdentifier, false) &&
    sameValue(entry["startDateTime"], stored.startDateTime, true) &&
    sameValue(entry["endDateTime"], stored.endDateTime, true);
  if (!unchanged) {
    throw new FakeHttpError(400, "Request_BadRequest", `Update to existing credential with KeyId '${stored.keyId}' is not allowed.`, {
      details: [{ code: "KeyNotUpdatable", message: `Update to existing credential with KeyId '${stored.keyId}' is not allowed.`, target: "keyCredentials" }],
    });
  }
  return stored;
}

/** The new stored list for a body's `keyCredentials`; throws the Graph 400 for any invalid entry. */
export function mergeKeyCredentials(sent: unknown, existing: readonly KeyCredentialJson[], checkLifetime: LifetimeCheck = () => undefined): KeyCredentialJson[] {
  if (!Array.isArray(sent)) throw badRequest("Invalid value specified for property 'keyCredentials' of resource 'Application'.");
  const byId = new Map(existing.map((k) => [k.keyId.toLowerCase(), k]));
  const result: KeyCredentialJson[] = [];
  const seen = new Set<string>();
  for (const entry of sent) {
    if (!isRecord(entry)) throw badRequest("Invalid value specified for property 'keyCredentials' of resource 'Application'.");
    const keyId = typeof entry["keyId"] === "string" ? entry["keyId"].toLowerCase() : undefined;
    const stored = keyId === undefined ? undefined : byId.get(keyId);
    const credential = stored === undefined ? validateNew(entry, checkLifetime) : validateExisting(entry, stored);
    const id = credential.keyId.toLowerCase();
    if (seen.has(id)) throw badRequest(`Duplicate KeyId '${credential.keyId}' in keyCredentials.`);
    seen.add(id);
    result.push(credential);
  }
  return result;
}

/** keyCredentials as served outside `$select=keyCredentials` on a single object. */
export function withoutKeys(credentials: readonly KeyCredentialJson[]): KeyCredentialJson[] {
  return credentials.map((k) => ({ ...k, key: null }));
}
