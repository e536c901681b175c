/**
 * The key of a fresh apply's certificate, started early. Making an RSA key (100-700 ms for 2048
 * bits, on libuv's thread pool) is the longest single piece of work in a first onboarding, and the
 * certificate is only needed in stage 3. When --out shows a first onboarding (no connection.json,
 * no held key) and the certificate is to be generated, apply starts the key before it reads the
 * tenant, so it is ready when stage 3 uploads the certificate. It is handed out at most once, only
 * for a certificate of its size; if the plan needs none, it is dropped unused and never written.
 * A fleet run (bulk) brings its own generator and gets no spare key.
 */
import type { webcrypto } from "node:crypto";
import type { RunRecord } from "./run-record.js";
import type { DesiredState, HeldCertificate } from "./types.js";

export interface SpareKey {
  /** The key pair for a certificate of `keySizeBits`, the first time it is asked for; then undefined. */
  take(keySizeBits: number): Promise<webcrypto.CryptoKeyPair> | undefined;
}

/** What --out and the options say before the tenant is read (a Prepared). */
interface LocalState {
  desired: Pick<DesiredState, "certificate">;
  held: HeldCertificate | undefined;
  record: Pick<RunRecord, "current">;
}

export function spareKeyFor(prepared: LocalState): SpareKey | undefined {
  const choice = prepared.desired.certificate;
  // Bulk brings its own generator, which keeps key generation to one per core: no key outside it.
  if (choice.mode !== "generate" || choice.generator !== undefined || prepared.held !== undefined || prepared.record.current !== undefined) return undefined;
  let pending: Promise<webcrypto.CryptoKeyPair> | undefined = import("../cert/generate.js").then((m) => m.startKeyPair(choice.keySizeBits));
  pending.catch(() => undefined);
  return {
    take: (keySizeBits) => {
      if (keySizeBits !== choice.keySizeBits) return undefined;
      const keyPair = pending;
      pending = undefined;
      return keyPair;
    },
  };
}
