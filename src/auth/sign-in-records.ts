/**
 * @azure/identity AuthenticationRecords kept between runs ("Persist user authentication data" in the
 * Azure Identity client library docs): which account signed in, never a token. With one, the next
 * browser or device-code credential for the same authority host, tenant and client id can find that
 * account in the token cache and get its tokens silently. A different --tenant is a different key.
 */
import { CLOUDS } from "../core/clouds.js";
import { isGuid } from "../shared/text.js";
import { readPrivateFile, writePrivateFile } from "./private-files.js";

/** The global cloud's authority: where @azure/identity signs in when no authority host is given. */
export const DEFAULT_AUTHORITY_HOST = CLOUDS.global.authority;

export interface RecordKey {
  authorityHost: string;
  /** The tenant as asked for (--tenant, or "organizations"). */
  tenant: string;
  clientId: string;
}

export interface StoredRecord extends RecordKey {
  /** serializeAuthenticationRecord() output. */
  record: string;
  /** The record's own fields, for logout and messages. */
  tenantId: string;
  username: string;
  savedAt: string;
}

interface RecordsFile {
  version: 1;
  records: Record<string, StoredRecord>;
}

export function recordKey(key: RecordKey): string {
  return [key.authorityHost.toLowerCase().replace(/\/+$/, ""), key.tenant.toLowerCase(), key.clientId.toLowerCase()].join(" ");
}

export async function readRecords(file: string): Promise<StoredRecord[]> {
  return Object.values((await load(file)).records);
}

/** The record for exactly this key; for a tenant id, also one saved under a domain that resolved to it. */
export async function findRecord(file: string, key: RecordKey): Promise<StoredRecord | undefined> {
  const { records } = await load(file);
  const exact = records[recordKey(key)];
  if (exact || !isGuid(key.tenant)) return exact;
  const host = recordKey({ ...key, tenant: "" });
  return Object.values(records).find((r) => recordKey({ ...r, tenant: "" }) === host && r.tenantId.toLowerCase() === key.tenant.toLowerCase());
}

export async function saveRecord(file: string, key: RecordKey, serialized: string, now: Date): Promise<StoredRecord> {
  const data = await load(file);
  const parsed = JSON.parse(serialized) as { tenantId?: string; username?: string };
  const stored: StoredRecord = { ...key, record: serialized, tenantId: parsed.tenantId ?? "", username: parsed.username ?? "", savedAt: now.toISOString() };
  data.records[recordKey(key)] = stored;
  await writePrivateFile(file, `${JSON.stringify(data, null, 2)}\n`);
  return stored;
}

/** Removes the records `matches` selects and returns them; rewrites the file only when something went. */
export async function removeRecords(file: string, matches: (r: StoredRecord) => boolean): Promise<StoredRecord[]> {
  const data = await load(file);
  const removed: StoredRecord[] = [];
  for (const [k, r] of Object.entries(data.records)) {
    if (!matches(r)) continue;
    removed.push(r);
    delete data.records[k];
  }
  if (removed.length > 0) await writePrivateFile(file, `${JSON.stringify(data, null, 2)}\n`);
  return removed;
}

async function load(file: string): Promise<RecordsFile> {
  const text = await readPrivateFile(file);
  if (text === undefined) return { version: 1, records: {} };
  try {
    const parsed = JSON.parse(text) as Partial<RecordsFile>;
    if (parsed.version === 1 && parsed.records && typeof parsed.records === "object") return { version: 1, records: parsed.records };
  } catch {
    // Unreadable: start over; the worst case is one more interactive sign-in.
  }
  return { version: 1, records: {} };
}
