/**
 * The first step of every run: from options to the desired state. Everything that needs no
 * tenant is checked here (name, numbers, profile file, certificate file), and each input is read
 * and parsed exactly once: the CLI calls checkLocalInputs() before sign-in, so a typo never costs
 * the admin an interactive login, and hands the result to the library as `desired`.
 */
import { resolve } from "node:path";
import { loadPublicCertificate } from "../cert/load.js";
import { InputError } from "../shared/errors.js";
import { isGuid, slug } from "../shared/text.js";
import { assertWritableDir, defaultOutDir, readHints } from "./local-state.js";
import { resolveProfile, type Profile } from "./profiles.js";
import type { Session } from "./session.js";
import type { CertificateChoice, DesiredState, ExecutionEvent, HeldCertificate, ObserveHints } from "./types.js";
import { DEFAULT_APP_NAME, OWNER_TAG_PREFIX } from "./well-known.js";

export type PipelineEvent = ExecutionEvent | { type: "phase"; message: string };

export interface OnboardOptions {
  /** App display name (default "Xops-App"). */
  name?: string | undefined;
  /** Built-in profile name (xops, m365, entra-id), a profile file path, or a Profile (default "xops"). */
  profile?: string | Profile | undefined;
  /** Attach this public certificate (DER or PEM) instead of generating one. */
  certificate?: string | undefined;
  addCertificate?: boolean | undefined;
  keySize?: 2048 | 3072 | 4096 | undefined;
  validityDays?: number | undefined;
  adopt?: boolean | undefined;
  appId?: string | undefined;
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
}

/** Validates the options and reads the profile and certificate files: the desired state. */
export async function desiredState(options: OnboardOptions, now: Date): Promise<DesiredState> {
  const displayName = (options.name ?? DEFAULT_APP_NAME).trim();
  if (displayName === "" || displayName.length > 120) throw new InputError(`--name must be 1 to 120 characters, got '${options.name}'.`);
  const validityDays = options.validityDays ?? 365;
  if (!Number.isInteger(validityDays) || validityDays < 1 || validityDays > 365) {
    throw new InputError(`--validity-days must be a whole number from 1 to 365 (Graph caps certificate credentials at about a year), got ${options.validityDays}.`);
  }
  if (options.appId !== undefined && !isGuid(options.appId)) throw new InputError(`--app-id must be an application (client) id GUID, got '${options.appId}'.`);
  const profile = typeof options.profile === "object" ? options.profile : await resolveProfile(options.profile ?? "xops");
  const certificate: CertificateChoice = options.certificate
    ? { mode: "file", path: resolve(options.certificate), certificate: await loadPublicCertificate(options.certificate, now) }
    : { mode: "generate", keySizeBits: options.keySize ?? 2048, validityDays };
  const uniqueName = `entra-onboard-${slug(displayName)}`;
  return {
    displayName,
    uniqueName,
    ownerTag: `${OWNER_TAG_PREFIX}${uniqueName}`,
    profile,
    certificate,
    addCertificate: options.addCertificate ?? false,
    adopt: options.adopt ?? false,
    appId: options.appId,
  };
}

/** desiredState() plus a writable --out: every check that needs no tenant, before sign-in. */
export async function checkLocalInputs(options: OnboardOptions, now: Date): Promise<DesiredState> {
  const desired = options.desired ?? (await desiredState(options, now));
  if (options.outDir) await assertWritableDir(options.outDir);
  return desired;
}

/** The tenant-dependent half: the signed-in tenant matches, --out, the held certificate, hints. */
export async function prepare(session: Session, options: OnboardOptions): Promise<Prepared> {
  if (options.tenant && isGuid(options.tenant) && options.tenant.toLowerCase() !== session.tenantId.toLowerCase()) {
    throw new InputError(`Signed in to tenant ${session.tenantId}, but --tenant is ${options.tenant}. Sign in to the right tenant or fix --tenant.`);
  }
  const desired = options.desired ?? (await desiredState(options, new Date(session.clock.now())));
  const outDir = resolve(options.outDir ?? defaultOutDir(session.tenantId));
  await assertWritableDir(outDir);
  const held = desired.certificate.mode === "generate" ? await (await import("../cert/files.js")).readHeldCertificate(outDir) : undefined;
  return { desired, outDir, held, hints: await readHints(outDir, desired.uniqueName) };
}
