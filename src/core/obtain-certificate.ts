/**
 * The certificate an add-certificate action uploads: the admin's file, the one held in --out (a run
 * that crashed before uploading it), or a new one generated here. A new current certificate moves
 * the files of the one before it into --out/previous/<thumbprint>/ (src/cert/archive.ts): that
 * certificate stays on the app, and its key stays usable, until it is retired.
 */
import type { CertificateInfo } from "../cert/types.js";
import type { Clock } from "../shared/clock.js";
import { thumbprintFromCustomKeyIdentifier } from "./parse.js";
import type { RunRecord } from "./run-record.js";
import type { Action, DesiredState, ManagedCertificate } from "./types.js";

export interface ObtainedCertificate {
  certificate: CertificateInfo;
  files: { cerPath?: string; pemPath?: string; keyPath?: string };
  /** The earlier certificate whose files this moved into previous/ (put back if this one is refused). */
  archived?: string | undefined;
}

export interface ObtainDeps {
  clock: Clock;
  desired: DesiredState;
  outDir: string;
  record?: RunRecord | undefined;
  /** The app's certificates as observed: a held certificate still on it is archived, not deleted. */
  appKeyCredentials: readonly Record<string, unknown>[];
}

/** A certificate as connection.json records what entra-onboard attached. */
export function managedCertificate(cert: CertificateInfo, source: ManagedCertificate["source"]): ManagedCertificate {
  return { thumbprint: cert.thumbprint, source, notBefore: cert.notBefore.toISOString(), notAfter: cert.notAfter.toISOString() };
}

export async function obtainCertificate(action: Extract<Action, { kind: "add-certificate" }>, deps: ObtainDeps): Promise<ObtainedCertificate> {
  const now = new Date(deps.clock.now());
  const choice = deps.desired.certificate;
  const filesModule = await import("../cert/files.js");
  const held = await filesModule.readHeldCertificate(deps.outDir);
  if (action.source === "held" && held) return { certificate: held, files: { cerPath: held.cerPath, keyPath: held.keyPath } };
  if (action.source === "file" && choice.mode === "file") {
    const archived = held && held.thumbprint !== choice.certificate.thumbprint ? await setAside(held.thumbprint, deps) : undefined;
    return { certificate: choice.certificate, files: { cerPath: choice.path }, archived };
  }
  // Bulk passes a generator that runs at most one key generation per core (bulk/key-generation.ts).
  const generate = (choice.mode === "generate" ? choice.generator : undefined) ?? (await import("../cert/generate.js")).generateCertificate;
  const generated = await generate({
    commonName: deps.desired.displayName,
    keySizeBits: choice.mode === "generate" ? choice.keySizeBits : 2048,
    validityDays: choice.mode === "generate" ? choice.validityDays : 365,
    now,
  });
  const archived = held ? await setAside(held.thumbprint, deps) : undefined;
  // Recorded, then on disk, then uploaded: a crash in between leaves a held certificate that
  // connection.json vouches for, which the next run adds (an unrecorded key is never uploaded).
  await deps.record?.noteIntents({ certificates: [managedCertificate(generated, "generated")] });
  const files = await filesModule.writeCertificateFiles(deps.outDir, generated);
  return { certificate: generated, files, archived };
}

/**
 * The held certificate makes way for a new current one. Only one entra-onboard recorded is touched
 * (checkRecordBinding refuses any other before a run starts): still on the app, its files move to
 * previous/ until it is retired; never uploaded, they are deleted and the record forgets it.
 */
async function setAside(thumbprint: string, deps: ObtainDeps): Promise<string | undefined> {
  const recorded = deps.record?.facts()?.certificates.includes(thumbprint.toUpperCase()) ?? false;
  if (!recorded) return undefined;
  const onApp = deps.appKeyCredentials.some((k) => typeof k.customKeyIdentifier === "string" && thumbprintFromCustomKeyIdentifier(k.customKeyIdentifier) === thumbprint);
  if (onApp) {
    await (await import("../cert/archive.js")).archiveCurrentFiles(deps.outDir, thumbprint);
    return thumbprint;
  }
  await (await import("../cert/files.js")).removeCertificateFiles(deps.outDir, [thumbprint]);
  await deps.record?.forgetCertificates([thumbprint]);
  return undefined;
}
