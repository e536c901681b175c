/**
 * The first step of every run: from options to the desired state. Everything that needs no
 * tenant is checked here (name, numbers, profile file, certificate file), and each input is read
 * and parsed exactly once: the CLI calls checkLocalInputs() before sign-in, so a typo never costs
 * the admin an interactive login, and hands the result to the library as `desired`.
 */
import { resolve } from "node:path";
import { loadPublicCertificate } from "../cert/load.js";
import { InputError } from "../shared/errors.js";
import { MAX_COMMON_NAME, unsafeCharacter } from "../shared/input-text.js";
import { isGuid } from "../shared/text.js";
import { DEFAULT_EXPIRY_WARNING_DAYS } from "./expiry.js";
import { assertWritableDir, defaultOutDir } from "./local-state.js";
import { privilegedEntries } from "./privilege.js";
import { resolveProfile, type Profile } from "./profiles.js";
import { DEFAULT_CLOUD } from "./clouds.js";
import { checkRecordBinding, hintsFrom, readConnectionRecord, type ConnectionRecord } from "./record.js";
import { RunRecord } from "./run-record.js";
import type { Session } from "./session.js";
import type { SpareKey } from "./spare-key.js";
import type { CertificateChoice, DesiredState, ExecutionEvent, HeldCertificate, ObserveHints, PlanMode } from "./types.js";
import { legacyUniqueNameFor, uniqueNameFor } from "./unique-name.js";
import { DEFAULT_APP_NAME, OWNER_TAG_PREFIX } from "./well-known.js";

export type PipelineEvent = ExecutionEvent | { type: "phase"; message: string } | { type: "warning"; message: string };

export interface OnboardOptions {
  /** App display name (default "Xops-App"). */
  name?: string | undefined;
  /** Built-in profile name (xops, m365, entra-id), a profile file path, or a Profile (default "xops"). */
  profile?: string | Profile | undefined;
  /** Attach this public certificate (DER or PEM) instead of generating one. */
  certificate?: string | undefined;
  /** Everything but the certificate (`--no-certificate`); a later run with `certificate` attaches one. */
  noCertificate?: boolean | undefined;
  /** A certificate ending within this many days is drift: renewed when entra-onboard holds its key, reported otherwise (default 30). */
  expiryWarningDays?: number | undefined;
  addCertificate?: boolean | undefined;
  keySize?: 2048 | 3072 | 4096 | undefined;
  validityDays?: number | undefined;
  adopt?: boolean | undefined;
  appId?: string | undefined;
  /** Let the profile grant permissions or roles beyond the read-only allow-list (src/core/privilege.ts). */
  allowPrivileged?: boolean | undefined;
  /** Rename the app found (via connection.json or --app-id) to `name` when its display name differs. */
  rename?: boolean | undefined;
  /** Remove from the tool's own app the permissions and roles the profile does not ask for (plan-prune.ts). */
  prune?: boolean | undefined;
  /**
   * The desired state already built by checkLocalInputs() (or desiredState()); when given, the
   * options above are not read again and the profile and certificate files are not re-read.
   */
  desired?: DesiredState | undefined;
  /** Where certificate files and connection.json go (default ./entra-onboard-out/<tenantId>). */
  outDir?: string | undefined;
  /** The tenant the caller expects (id or domain); a mismatch with the token is an input error. */
  tenant?: string | undefined;
  onEvent?: ((event: PipelineEvent) => void) | undefined;
}

/** Everything a run knows before it reads the tenant. */
export interface Prepared {
  desired: DesiredState;
  outDir: string;
  held: HeldCertificate | undefined;
  hints: ObserveHints;
  /** connection.json's record: read here, kept up to date as apply goes (run-record.ts). */
  record: RunRecord;
  /** apply: the key of the certificate a first onboarding will generate, started before the tenant is read. */
  spareKey?: SpareKey | undefined;
}

/**
 * The longest certificate the tool generates: three years, the longest Microsoft lets Entra make a
 * self-signed certificate for itself ("servicePrincipal: addTokenSigningCertificate": "The
 * endDateTime can be up to 3 years after the certificate is created"). Graph sets no fixed maximum
 * for an uploaded one; the tenant's app management policy may (key-credential.ts). A longer-lived
 * key only widens the window in which a leaked key is useful.
 */
export const MAX_VALIDITY_DAYS = 1095;

/** Validates the options and reads the profile and certificate files: the desired state. */
export async function desiredState(options: OnboardOptions, now: Date): Promise<DesiredState> {
  const displayName = checkedName(options.name ?? DEFAULT_APP_NAME);
  const validityDays = options.validityDays ?? 365;
  if (!Number.isInteger(validityDays) || validityDays < 1 || validityDays > MAX_VALIDITY_DAYS) {
    throw new InputError(
      `--validity-days must be a whole number from 1 to ${MAX_VALIDITY_DAYS} (three years; a tenant's app management policy may allow less), got ${options.validityDays}.`,
    );
  }
  const keySize = options.keySize ?? 2048;
  if (![2048, 3072, 4096].includes(keySize)) throw new InputError(`--key-size must be 2048, 3072 or 4096, got ${String(options.keySize)}.`);
  if (options.appId !== undefined && !isGuid(options.appId)) throw new InputError(`--app-id must be an application (client) id GUID, got '${options.appId}'.`);
  const profile = typeof options.profile === "object" ? options.profile : await resolveProfile(options.profile ?? "xops");
  const privileged = privilegedEntries(profile);
  if (privileged.length > 0 && !options.allowPrivileged) {
    throw new InputError(
      `Profile ${profile.name} grants more than read access: ${privileged.join(", ")}. Remove them, or pass --allow-privileged if the platform really needs them (the plan marks them as privileged).`,
    );
  }
  if (options.certificate && options.noCertificate) throw new InputError("--certificate and --no-certificate contradict each other; give one of them.");
  const expiryWarningDays = options.expiryWarningDays ?? DEFAULT_EXPIRY_WARNING_DAYS;
  if (!Number.isInteger(expiryWarningDays) || expiryWarningDays < 0 || expiryWarningDays > MAX_VALIDITY_DAYS) {
    throw new InputError(`--expiry-warning-days must be a whole number from 0 to ${MAX_VALIDITY_DAYS}, got ${options.expiryWarningDays}.`);
  }
  const certificate: CertificateChoice = options.certificate
    ? { mode: "file", path: resolve(options.certificate), certificate: await loadPublicCertificate(options.certificate, now) }
    : options.noCertificate
      ? { mode: "none" }
      : { mode: "generate", keySizeBits: keySize, validityDays };
  const uniqueName = uniqueNameFor(displayName);
  return {
    displayName,
    uniqueName,
    legacyUniqueName: legacyUniqueNameFor(displayName),
    ownerTag: `${OWNER_TAG_PREFIX}${uniqueName}`,
    profile,
    certificate,
    addCertificate: options.addCertificate ?? false,
    expiryWarningDays,
    adopt: options.adopt ?? false,
    appId: options.appId,
    rename: options.rename ?? false,
    prune: options.prune ?? false,
  };
}

/**
 * The app's display name, checked before anything is written: it is also the generated
 * certificate's common name (at most 64 characters), and it is printed in plans, so control
 * characters (a newline and ANSI escapes can forge a plan line) are refused.
 */
function checkedName(raw: string): string {
  const name = raw.trim();
  const unsafe = unsafeCharacter(name);
  if (unsafe) throw new InputError(`--name contains a control character (${unsafe}); use printable text.`);
  if (name === "" || name.length > MAX_COMMON_NAME) {
    throw new InputError(`--name must be 1 to ${MAX_COMMON_NAME} characters (it is also the certificate's common name), got ${name.length}.`);
  }
  return name;
}

/** What checkLocalInputs() found: the desired state, and --out's connection.json as it is now. */
export interface LocalInputs {
  desired: DesiredState;
  /** The record in --out (its cloud decides where to sign in), when --out was given and holds one. */
  record: ConnectionRecord | undefined;
}

/**
 * desiredState() plus --out (private, writable, a connection.json this tool wrote): every check that
 * needs no tenant, before sign-in. The record read here is returned, not read again for the cloud.
 */
export async function readLocalInputs(options: OnboardOptions, now: Date): Promise<LocalInputs> {
  const desired = options.desired ?? (await desiredState(options, now));
  if (!options.outDir) return { desired, record: undefined };
  await assertWritableDir(options.outDir);
  return { desired, record: await readConnectionRecord(resolve(options.outDir)) };
}

/** readLocalInputs(), for callers that need only the desired state. */
export async function checkLocalInputs(options: OnboardOptions, now: Date): Promise<DesiredState> {
  return (await readLocalInputs(options, now)).desired;
}

/** Where a run keeps its files, and what it wants: the tenant-dependent half, before --out is read. */
export async function locate(session: Session, options: OnboardOptions): Promise<{ desired: DesiredState; outDir: string }> {
  if (options.tenant && isGuid(options.tenant) && options.tenant.toLowerCase() !== session.tenantId.toLowerCase()) {
    throw new InputError(`Signed in to tenant ${session.tenantId}, but --tenant is ${options.tenant}. Sign in to the right tenant or fix --tenant.`);
  }
  const desired = options.desired ?? (await desiredState(options, new Date(session.clock.now())));
  const outDir = resolve(options.outDir ?? defaultOutDir(session.tenantId));
  await assertWritableDir(outDir);
  return { desired, outDir };
}

/**
 * What --out holds for this run: the held certificate (apply mode), connection.json's record, and
 * the check that both belong to this tenant and this app (record.ts) before anything is written.
 */
export async function readLocalState(session: Session, located: { desired: DesiredState; outDir: string }, mode: PlanMode = "apply"): Promise<Prepared> {
  const { desired, outDir } = located;
  const held = desired.certificate.mode !== "file" && mode !== "destroy" ? await (await import("../cert/files.js")).readHeldCertificate(outDir) : undefined;
  const saved = await readConnectionRecord(outDir);
  const cloud = session.cloud ?? DEFAULT_CLOUD;
  checkRecordBinding(saved, held, { outDir, tenantId: session.tenantId, cloud });
  return { desired, outDir, held, hints: hintsFrom(saved), record: new RunRecord(outDir, session.tenantId, desired, saved, cloud) };
}

/** locate() and readLocalState(): everything a run knows before it reads the tenant. */
export async function prepare(session: Session, options: OnboardOptions, mode: PlanMode = "apply"): Promise<Prepared> {
  return readLocalState(session, await locate(session, options), mode);
}
