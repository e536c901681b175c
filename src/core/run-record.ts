/**
 * The record of one run, kept in memory and written to connection.json AS APPLY GOES: what the tool
 * is about to add is written before the write to the tenant leaves (an intent is harmless if the
 * write never lands; a write the record missed would be one remove cannot undo), and the app's ids
 * as soon as it exists. Observe and plan read the in-memory copy, so an app created a moment ago
 * is recognised by its appId even before Graph shows its owners. Writes go one after the other.
 */
import { DEFAULT_CLOUD, type CloudName } from "./clouds.js";
import { writeConnectionFile } from "./local-state.js";
import { emptyManaged, recordedOnboarding, type CertificateDetails, type ConnectionFile, type ConnectionRecord } from "./record.js";
import type { DesiredState, ManagedCertificate, ManagedRecord, PermissionKey, RecordedOnboarding } from "./types.js";

const samePermission = (a: PermissionKey, b: PermissionKey) => a.resourceAppId.toLowerCase() === b.resourceAppId.toLowerCase() && a.appRoleId.toLowerCase() === b.appRoleId.toLowerCase();

function addTo<T>(list: T[], item: T, same: (a: T, b: T) => boolean): boolean {
  if (list.some((x) => same(x, item))) return false;
  list.push(item);
  return true;
}

export interface Intents {
  /** Thumbprints, or the certificates with their source and dates (kept in managed.certificateDetails). */
  certificates?: (string | ManagedCertificate)[];
  permissions?: PermissionKey[];
  roles?: string[];
  listedPermissions?: PermissionKey[];
  tags?: string[];
}

export class RunRecord {
  private record: ConnectionRecord | undefined;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly outDir: string,
    private readonly tenantId: string,
    private readonly desired: Pick<DesiredState, "uniqueName" | "displayName">,
    initial: ConnectionRecord | undefined,
    /** The run's cloud: recorded so later commands on this --out sign in there (a file without it was global). */
    private readonly cloud: CloudName = DEFAULT_CLOUD,
  ) {
    this.record = initial && { ...structuredClone(initial), cloud: initial.cloud ?? cloud };
  }

  /** The record as read (plus this run's notes); undefined when --out had none and nothing was noted. */
  get current(): ConnectionRecord | undefined {
    return this.record && structuredClone(this.record);
  }

  facts(): RecordedOnboarding | undefined {
    return recordedOnboarding(this.record);
  }

  /** The app this --out manages, once it exists (a record of another app is replaced: checked in plan). */
  async noteApp(app: { id: string; appId: string }): Promise<void> {
    const record = this.ensure();
    if (record.appId === app.appId.toLowerCase() && record.applicationObjectId === app.id.toLowerCase()) return;
    if (record.appId !== undefined && record.appId !== app.appId.toLowerCase()) record.managed = rebound(record.managed);
    record.appId = app.appId.toLowerCase();
    record.applicationObjectId = app.id.toLowerCase();
    await this.flush();
  }

  /** Records what the next writes will add; resolves once it is on disk. */
  async noteIntents(intents: Intents): Promise<void> {
    const managed = this.ensure().managed;
    let changed = false;
    for (const c of intents.certificates ?? []) {
      const thumbprint = (typeof c === "string" ? c : c.thumbprint).toUpperCase();
      changed = addTo(managed.certificates, thumbprint, (a, b) => a === b) || changed;
      if (typeof c !== "string") changed = addTo(managed.certificateDetails, { ...c, thumbprint }, (a, b) => a.thumbprint === b.thumbprint) || changed;
    }
    for (const p of intents.permissions ?? []) changed = addTo(managed.permissions, lower(p), samePermission) || changed;
    for (const r of intents.roles ?? []) changed = addTo(managed.roles, r.toLowerCase(), (a, b) => a === b) || changed;
    for (const p of intents.listedPermissions ?? []) changed = addTo(managed.listedPermissions, lower(p), samePermission) || changed;
    for (const t of intents.tags ?? []) changed = addTo(managed.tags, t, (a, b) => a === b) || changed;
    if (changed) await this.flush();
  }

  /**
   * Forgets what --prune has just taken off the app (written after the removal: a record that still
   * lists something already gone is harmless, the next plan sees it gone).
   */
  async forget(removed: Pick<Intents, "permissions" | "roles" | "listedPermissions">): Promise<void> {
    if (this.record === undefined) return;
    const managed = this.record.managed;
    const before = JSON.stringify(managed);
    managed.permissions = managed.permissions.filter((p) => !(removed.permissions ?? []).some((r) => samePermission(p, r)));
    managed.roles = managed.roles.filter((role) => !(removed.roles ?? []).some((r) => r.toLowerCase() === role));
    managed.listedPermissions = managed.listedPermissions.filter((p) => !(removed.listedPermissions ?? []).some((r) => samePermission(p, r)));
    if (JSON.stringify(managed) !== before) await this.flush();
  }

  /**
   * Certificates no longer on the app (retired), or never uploaded (refused by the tenant's
   * policy): written after the removal, since a record that still lists a removed one is harmless.
   */
  async forgetCertificates(thumbprints: readonly string[]): Promise<void> {
    if (!this.record) return;
    const gone = new Set(thumbprints.map((t) => t.toUpperCase()));
    const managed = this.record.managed;
    const before = managed.certificates.length + managed.certificateDetails.length;
    managed.certificates = managed.certificates.filter((t) => !gone.has(t));
    managed.certificateDetails = managed.certificateDetails.filter((c) => !gone.has(c.thumbprint));
    if (this.record.certificate && gone.has(this.record.certificate.thumbprint)) this.record.certificate = null;
    if (managed.certificates.length + managed.certificateDetails.length !== before) await this.flush();
  }

  /**
   * A certificate this run attached is the connection's from now on, also for the re-reads that
   * follow in the same run (a renewal must not be planned again); finish() writes its full details.
   */
  async noteCurrentCertificate(certificate: CertificateDetails): Promise<void> {
    const record = this.ensure();
    if (record.certificate?.thumbprint === certificate.thumbprint) return;
    record.certificate = certificate;
    await this.flush();
  }

  /** The finished connection.json (written only when its text changed); returns its path. */
  async finish(connection: Omit<ConnectionFile, "managed">): Promise<string> {
    const record = this.ensure();
    const managed = record.appId !== undefined && record.appId !== connection.appId.toLowerCase() ? rebound(record.managed) : record.managed;
    this.record = { ...connection, managed };
    return this.flush();
  }

  private ensure(): ConnectionRecord {
    this.record ??= { formatVersion: 2, tenantId: this.tenantId.toLowerCase(), cloud: this.cloud, uniqueName: this.desired.uniqueName, displayName: this.desired.displayName, managed: emptyManaged() };
    return this.record;
  }

  private flush(): Promise<string> {
    const snapshot = structuredClone(this.ensure());
    const next = this.writing.then(() => writeConnectionFile(this.outDir, snapshot));
    this.writing = next.catch(() => undefined);
    return next;
  }
}

/**
 * The record of an app that is gone (deleted outside entra-onboard), moved to its successor: the
 * keys in --out are still entra-onboard's own, but consents, roles and tags were the old app's.
 */
function rebound(managed: ManagedRecord): ManagedRecord {
  return { ...emptyManaged(), certificates: [...managed.certificates], certificateDetails: [...managed.certificateDetails] };
}

const lower = (p: PermissionKey): PermissionKey => ({ resourceAppId: p.resourceAppId.toLowerCase(), appRoleId: p.appRoleId.toLowerCase() });
